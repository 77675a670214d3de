#include "core/data/prompt_data.h"

#include "core/common/file_io.h"
#include "core/data/record_splits.h"
#include "core/text/text_corpus.h"

namespace cradle {

PromptData load_prompt_data(const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer) {
  PromptData data;
  data.tokenizer = std::move(tokenizer);
  data.markers = chat_markers(*data.tokenizer);
  std::vector<std::filesystem::path> paths;
  for (const auto& path : e.data.paths) paths.push_back(e.resolve(path));
  std::vector<ChatPrompt> prompts;
  for (const auto& file : expand_text_paths(paths, e.data.include, e.data.exclude)) {
    data.files.push_back(file.string());
    auto set = parse_prompt_jsonl(read_file(file), file.string(), e.data.on_bad_record == "skip");
    for (auto& p : set.prompts) prompts.push_back(std::move(p));
    for (auto& s : set.skipped) data.skipped.push_back(std::move(s));
  }
  auto splits = split_records(prompts, e, "prompts");
  data.train = std::move(splits.train);
  data.validation = std::move(splits.validation);
  data.test = std::move(splits.test);
  return data;
}

}  // namespace cradle
