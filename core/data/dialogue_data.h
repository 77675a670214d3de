#pragma once
// The splits of a supervised fine-tuning experiment (stage "sft"): dialogues
// from JSONL files rendered in the model's chat format (core/text/chat_format.h)
// with its tokenizer, as sequences whose targets are the next tokens where the
// assistant wrote them and kIgnoredTarget elsewhere (prompt and padding), so
// the loss covers the responses only.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/data_splits.h"
#include "core/experiment/experiment.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct DialogueData : DataSplits {
  std::shared_ptr<const Tokenizer> tokenizer;
  std::shared_ptr<const ChatFormat> format;
  std::vector<std::string> files;
  std::vector<std::string> skipped;  // bad lines left out (on_bad_record "skip")
  std::vector<Dialogue> train_dialogues, validation_dialogues, test_dialogues;
  std::int64_t truncated = 0;        // dialogues cut to data.context_length + 1 tokens
  std::int64_t dropped = 0;          // dialogues with no response token left after the cut
  std::int64_t response_tokens = 0;  // trained targets in the training split
  std::int64_t vocab_size() const { return tokenizer->vocab_size(); }
};

// DataError for unreadable files or lines (naming file:line) and for too few dialogues.
DialogueData load_dialogue_data(const Experiment& experiment, std::shared_ptr<const Tokenizer> tokenizer,
                                std::shared_ptr<const ChatFormat> format);

// Rendered dialogues as inputs [N, context_length] (padded with <pad>) and
// targets [N, context_length]; with `packing`, consecutive dialogues share a
// sequence while they fit. Counts cut and dropped dialogues into `data`.
TensorDataset dialogue_sequences(const std::vector<RenderedChat>& chats, std::int64_t context_length, bool packing,
                                 std::int64_t* truncated = nullptr, std::int64_t* dropped = nullptr);

}  // namespace cradle
