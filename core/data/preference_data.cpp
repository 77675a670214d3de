#include "core/data/preference_data.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/record_splits.h"
#include "core/text/text_corpus.h"

namespace cradle {

TensorDataset preference_pairs_dataset(const Tokenizer& tokenizer, const ChatMarkers& markers,
                                       const std::vector<PreferencePair>& pairs, std::int64_t context_length,
                                       std::int64_t* truncated) {
  const auto n = static_cast<std::int64_t>(pairs.size());
  auto inputs = torch::full({n, 2, context_length}, kPadId, torch::kInt64);
  auto rows = inputs.accessor<std::int64_t, 3>();
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& pair = pairs[static_cast<std::size_t>(i)];
    for (int side = 0; side < 2; ++side) {
      auto messages = pair.prompt;
      messages.push_back({"assistant", side == 0 ? pair.chosen : pair.rejected});
      auto ids = render_chat(tokenizer, markers, messages).ids;
      if (static_cast<std::int64_t>(ids.size()) > context_length) {
        ids.erase(ids.begin(), ids.end() - context_length);  // the reward is read at the end: keep it
        if (truncated) ++*truncated;
      }
      for (std::size_t t = 0; t < ids.size(); ++t) rows[i][side][static_cast<std::int64_t>(t)] = ids[t];
    }
  }
  return {inputs, torch::zeros({n}, torch::kInt64)};
}

PreferenceData load_preference_data(const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer) {
  PreferenceData data;
  data.tokenizer = std::move(tokenizer);
  data.markers = chat_markers(*data.tokenizer);
  std::vector<std::filesystem::path> paths;
  for (const auto& path : e.data.paths) paths.push_back(e.resolve(path));
  std::vector<PreferencePair> pairs;
  for (const auto& file : expand_text_paths(paths, e.data.include, e.data.exclude)) {
    data.files.push_back(file.string());
    auto set = parse_preference_jsonl(read_file(file), file.string(), e.data.on_bad_record == "skip");
    for (auto& p : set.pairs) pairs.push_back(std::move(p));
    for (auto& s : set.skipped) data.skipped.push_back(std::move(s));
  }
  auto splits = split_records(pairs, e, "preference pairs");
  data.train_pairs = std::move(splits.train);
  data.validation_pairs = std::move(splits.validation);
  data.test_pairs = std::move(splits.test);
  const auto T = e.data.context_length;
  data.train = preference_pairs_dataset(*data.tokenizer, data.markers, data.train_pairs, T, &data.truncated);
  data.validation = preference_pairs_dataset(*data.tokenizer, data.markers, data.validation_pairs, T);
  data.test = preference_pairs_dataset(*data.tokenizer, data.markers, data.test_pairs, T);
  return data;
}

}  // namespace cradle
