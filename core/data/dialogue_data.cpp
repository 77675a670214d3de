#include "core/data/dialogue_data.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/record_splits.h"
#include "core/text/text_corpus.h"
#include "core/train/prediction_units.h"

namespace cradle {

TensorDataset dialogue_sequences(const std::vector<RenderedChat>& chats, std::int64_t context_length, bool packing,
                                 std::int64_t* truncated, std::int64_t* dropped) {
  // A row holds up to context_length + 1 tokens: inputs are all but the last, targets all but the first.
  const std::size_t window = static_cast<std::size_t>(context_length) + 1;
  std::vector<std::vector<std::int64_t>> rows;
  std::vector<std::vector<bool>> trained;
  for (const auto& chat : chats) {
    std::vector<std::int64_t> ids = chat.ids;
    std::vector<bool> mask = chat.trained;
    if (ids.size() > window) {
      ids.resize(window);
      mask.resize(window);
      if (truncated) ++*truncated;
    }
    // Token 0 is never a target; a dialogue with nothing left to learn is useless.
    if (std::find(mask.begin() + 1, mask.end(), true) == mask.end()) {
      if (dropped) ++*dropped;
      continue;
    }
    if (packing && !rows.empty() && rows.back().size() + ids.size() <= window) {
      rows.back().insert(rows.back().end(), ids.begin(), ids.end());
      trained.back().insert(trained.back().end(), mask.begin(), mask.end());
    } else {
      rows.push_back(std::move(ids));
      trained.push_back(std::move(mask));
    }
  }
  const auto n = static_cast<std::int64_t>(rows.size());
  auto inputs = torch::full({n, context_length}, kPadId, torch::kInt64);
  auto targets = torch::full({n, context_length}, kIgnoredTarget, torch::kInt64);
  auto in = inputs.accessor<std::int64_t, 2>();
  auto out = targets.accessor<std::int64_t, 2>();
  for (std::int64_t r = 0; r < n; ++r) {
    const auto& ids = rows[static_cast<std::size_t>(r)];
    const auto& mask = trained[static_cast<std::size_t>(r)];
    for (std::size_t t = 0; t + 1 < ids.size(); ++t) {
      in[r][static_cast<std::int64_t>(t)] = ids[t];
      if (mask[t + 1]) out[r][static_cast<std::int64_t>(t)] = ids[t + 1];
    }
  }
  return {inputs, targets};
}

DialogueData load_dialogue_data(const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer,
                                std::shared_ptr<const ChatFormat> format) {
  DialogueData data;
  data.tokenizer = std::move(tokenizer);
  data.format = std::move(format);
  std::vector<std::filesystem::path> paths;
  for (const auto& path : e.data.paths) paths.push_back(e.resolve(path));
  std::vector<Dialogue> dialogues;
  for (const auto& file : expand_text_paths(paths, e.data.include, e.data.exclude)) {
    data.files.push_back(file.string());
    auto set = parse_dialogue_jsonl(read_file(file), file.string(), e.data.on_bad_record == "skip");
    for (auto& d : set.dialogues) dialogues.push_back(std::move(d));
    for (auto& s : set.skipped) data.skipped.push_back(std::move(s));
  }
  auto splits = split_records(dialogues, e, "dialogues");
  data.train_dialogues = std::move(splits.train);
  data.validation_dialogues = std::move(splits.validation);
  data.test_dialogues = std::move(splits.test);

  const auto sequences = [&](const std::vector<Dialogue>& split, bool count) {
    std::vector<RenderedChat> chats;
    for (const auto& d : split) chats.push_back(data.format->render(d.messages));
    return dialogue_sequences(chats, e.data.context_length, e.data.packing, count ? &data.truncated : nullptr,
                              count ? &data.dropped : nullptr);
  };
  data.train = sequences(data.train_dialogues, true);
  data.validation = sequences(data.validation_dialogues, false);
  data.test = sequences(data.test_dialogues, false);
  if (data.train.size() == 0)
    throw DataError("data: no training dialogue has a response token within data.context_length " +
                    std::to_string(e.data.context_length));
  data.response_tokens = data.train.targets.ge(0).sum().item<std::int64_t>();
  return data;
}

}  // namespace cradle
