#include "core/data/preference_data.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/record_splits.h"
#include "core/models/reward_model.h"
#include "core/text/text_corpus.h"
#include "core/train/prediction_units.h"

namespace cradle {

torch::Tensor conversation_rows(const ChatFormat& format, const std::vector<std::vector<ChatMessage>>& conversations,
                                std::int64_t context_length, std::int64_t padding, std::int64_t* truncated) {
  const auto n = static_cast<std::int64_t>(conversations.size());
  auto rows = torch::full({n, context_length}, padding, torch::kInt64);
  auto ids_of = rows.accessor<std::int64_t, 2>();
  for (std::int64_t i = 0; i < n; ++i) {
    auto ids = format.render(conversations[static_cast<std::size_t>(i)]).ids;
    if (static_cast<std::int64_t>(ids.size()) > context_length) {
      ids.erase(ids.begin(), ids.end() - context_length);  // the reward is read at the end: keep it
      if (truncated) ++*truncated;
    }
    for (std::size_t t = 0; t < ids.size(); ++t) ids_of[i][static_cast<std::int64_t>(t)] = ids[t];
  }
  return rows;
}

TensorDataset preference_pairs_dataset(const ChatFormat& format, const std::vector<PreferencePair>& pairs,
                                       std::int64_t context_length, std::int64_t padding, std::int64_t* truncated) {
  std::vector<std::vector<ChatMessage>> conversations;  // chosen, rejected, chosen, ...
  for (const auto& pair : pairs)
    for (const auto* reply : {&pair.chosen, &pair.rejected}) {
      conversations.push_back(pair.prompt);
      conversations.back().push_back({"assistant", *reply});
    }
  const auto n = static_cast<std::int64_t>(pairs.size());
  const auto rows = conversation_rows(format, conversations, context_length, padding, truncated);
  return {rows.reshape({n, 2, context_length}), torch::zeros({n}, torch::kInt64)};
}

TensorDataset preference_sequences_dataset(const ChatFormat& format, const std::vector<PreferencePair>& pairs,
                                           std::int64_t context_length, std::int64_t* truncated) {
  const auto n = static_cast<std::int64_t>(pairs.size());
  auto inputs = torch::full({n, 2, context_length}, kPadId, torch::kInt64);
  auto targets = torch::full({n, 2, context_length}, kIgnoredTarget, torch::kInt64);
  auto input_rows = inputs.accessor<std::int64_t, 3>();
  auto target_rows = targets.accessor<std::int64_t, 3>();
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& pair = pairs[static_cast<std::size_t>(i)];
    // The reply starts where the prompt's rendering (ending with the start of the assistant's turn)
    // ends; earlier assistant turns belong to the prompt and are not scored.
    const auto reply_start = static_cast<std::int64_t>(format.prompt(pair.prompt).size());
    for (int side = 0; side < 2; ++side) {
      auto messages = pair.prompt;
      messages.push_back({"assistant", side == 0 ? pair.chosen : pair.rejected});
      const auto ids = format.render(messages).ids;
      // A sequence of T inputs predicts T targets: the last T + 1 ids.
      const auto total = static_cast<std::int64_t>(ids.size());
      const std::int64_t first = std::max<std::int64_t>(0, total - context_length - 1);
      if (first > 0 && truncated) ++*truncated;
      for (std::int64_t t = first; t + 1 < total; ++t) {
        input_rows[i][side][t - first] = ids[static_cast<std::size_t>(t)];
        if (t + 1 >= reply_start) target_rows[i][side][t - first] = ids[static_cast<std::size_t>(t + 1)];
      }
    }
  }
  return {inputs, targets};
}

PreferenceData load_preference_data(const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer,
                                    std::shared_ptr<const ChatFormat> format) {
  PreferenceData data;
  data.tokenizer = std::move(tokenizer);
  data.format = std::move(format);
  std::vector<std::filesystem::path> paths;
  for (const auto& path : e.data.paths) paths.push_back(e.resolve(path));
  std::vector<PreferencePair> pairs;
  for (const auto& file : expand_text_paths(paths, e.data.include, e.data.exclude)) {
    data.files.push_back(file.string());
    auto set = parse_preference_jsonl(read_file(file), file.string(), e.data.on_bad_record == "skip");
    for (auto& p : set.pairs) pairs.push_back(std::move(p));
    for (auto& s : set.skipped) data.skipped.push_back(std::move(s));
    data.undecided += set.undecided;
  }
  auto splits = split_records(pairs, e, "preference pairs");
  data.train_pairs = std::move(splits.train);
  data.validation_pairs = std::move(splits.validation);
  data.test_pairs = std::move(splits.test);
  const auto T = e.data.context_length;
  const auto padding = reward_padding_id(e.model);
  const auto layout = [&](const std::vector<PreferencePair>& split_pairs, std::int64_t* truncated) {
    return is_direct_preference(e) ? preference_sequences_dataset(*data.format, split_pairs, T, truncated)
                                   : preference_pairs_dataset(*data.format, split_pairs, T, padding, truncated);
  };
  data.train = layout(data.train_pairs, &data.truncated);
  data.validation = layout(data.validation_pairs, nullptr);
  data.test = layout(data.test_pairs, nullptr);
  return data;
}

}  // namespace cradle
