#include "core/data/prompt_data.h"

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utf8.h"
#include "core/data/record_splits.h"
#include "core/text/text_corpus.h"

namespace cradle {

namespace {

// Every record's prompt, files in order; the files read and the bad lines skipped go to the lists.
std::vector<ChatPrompt> read_prompts(const Experiment& e, std::vector<std::string>& files,
                                     std::vector<std::string>& skipped) {
  std::vector<std::filesystem::path> paths;
  for (const auto& path : e.data.paths) paths.push_back(e.resolve(path));
  std::vector<ChatPrompt> prompts;
  for (const auto& file : expand_text_paths(paths, e.data.include, e.data.exclude)) {
    files.push_back(file.string());
    auto set = parse_prompt_jsonl(read_file(file), file.string(), e.data.on_bad_record == "skip");
    for (auto& p : set.prompts) prompts.push_back(std::move(p));
    for (auto& s : set.skipped) skipped.push_back(std::move(s));
  }
  return prompts;
}

}  // namespace

PromptData load_prompt_data(const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer,
                            std::shared_ptr<const ChatFormat> format) {
  PromptData data;
  data.tokenizer = std::move(tokenizer);
  data.format = std::move(format);
  auto splits = split_records(read_prompts(e, data.files, data.skipped), e, "prompts");
  data.train = std::move(splits.train);
  data.validation = std::move(splits.validation);
  data.test = std::move(splits.test);
  return data;
}

std::vector<ChatPrompt> held_out_prompts(const Experiment& e) {
  if (e.data.source != DataSource::Prompts && e.data.source != DataSource::Dialogues &&
      e.data.source != DataSource::Preferences)
    throw ConfigError("held-out prompts: data.source \"" + to_string(e.data.source) +
                      "\" holds no conversations (expected prompts, dialogues or preferences)");
  std::vector<std::string> files, skipped;
  // Each record of these sources is one prompt, so the split is the run's own.
  return split_records(read_prompts(e, files, skipped), e, "prompts").test;
}

std::vector<ChatPrompt> load_prompt_file(const std::filesystem::path& file) {
  const std::string content = read_file(file);
  if (file.extension() == ".jsonl") {
    auto set = parse_prompt_jsonl(content, file.string());
    if (set.prompts.empty()) throw DataError(file.string() + ": no prompts");
    return std::move(set.prompts);
  }
  if (const auto bad = first_invalid_utf8_byte(content))
    throw DataError(file.string() + ": invalid UTF-8 at byte " + std::to_string(*bad));
  std::vector<ChatPrompt> prompts;
  std::size_t start = 0;
  int line = 0;
  while (start <= content.size()) {
    const auto end = std::min(content.find('\n', start), content.size());
    ++line;
    std::string text = content.substr(start, end - start);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
    if (!text.empty()) prompts.push_back({{{"user", text}}, file.string() + ":" + std::to_string(line)});
    start = end + 1;
  }
  if (prompts.empty()) throw DataError(file.string() + ": no prompts (one per line, or JSONL)");
  return prompts;
}

std::string prompts_to_jsonl(const std::vector<ChatPrompt>& prompts) {
  std::string out;
  for (const auto& p : prompts) {
    Json messages = Json::array();
    for (const auto& m : p.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
    out += Json{{"prompt", messages}}.dump() + "\n";
  }
  return out;
}

}  // namespace cradle
