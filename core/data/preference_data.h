#pragma once
// The splits of a reward-model experiment (stage "reward"): preference pairs
// from JSONL files (TRL / HH-RLHF layouts, core/text/conversation_records.h),
// each conversation rendered in the model's chat format (core/text/chat_format.h)
// twice, ending with the chosen and with the rejected reply. Inputs [N, 2, T]:
// row 0 the chosen, row 1 the rejected, right-padded (<pad>, or kNoToken for
// a Hugging Face model); a conversation longer than T keeps its last T
// tokens, where the reply and its end are. Targets [N] are unused.
// DPO (stage "dpo") reads the same pairs as next-token sequences instead:
// inputs [N, 2, T] and targets [N, 2, T], the next token where it belongs to
// the final reply (its content and end-of-turn), kIgnoredTarget elsewhere.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/data_splits.h"
#include "core/experiment/experiment.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct PreferenceData : DataSplits {
  std::shared_ptr<const Tokenizer> tokenizer;
  std::shared_ptr<const ChatFormat> format;
  std::vector<std::string> files;
  std::vector<std::string> skipped;
  std::vector<PreferencePair> train_pairs, validation_pairs, test_pairs;
  std::int64_t truncated = 0;  // renderings cut to their last data.context_length tokens
  std::int64_t undecided = 0;  // rating-panel ties and skips left out
  std::int64_t vocab_size() const { return tokenizer->vocab_size(); }
};

// Stage "dpo" lays the pairs out as sequences, "reward" as texts.
PreferenceData load_preference_data(const Experiment& experiment, std::shared_ptr<const Tokenizer> tokenizer,
                                    std::shared_ptr<const ChatFormat> format);

// Conversations as rows [N, context_length], right-padded with `padding`
// (core/models/reward_model.h's reward_padding_id); one longer than the context
// keeps its last context_length tokens (`truncated` counts them).
torch::Tensor conversation_rows(const ChatFormat& format, const std::vector<std::vector<ChatMessage>>& conversations,
                                std::int64_t context_length, std::int64_t padding, std::int64_t* truncated = nullptr);

// Pairs as inputs [N, 2, context_length] (chosen, rejected), padded as conversation_rows.
TensorDataset preference_pairs_dataset(const ChatFormat& format, const std::vector<PreferencePair>& pairs,
                                       std::int64_t context_length, std::int64_t padding,
                                       std::int64_t* truncated = nullptr);

// Pairs as next-token sequences for DPO: inputs and targets [N, 2, context_length].
TensorDataset preference_sequences_dataset(const ChatFormat& format, const std::vector<PreferencePair>& pairs,
                                           std::int64_t context_length, std::int64_t* truncated = nullptr);

}  // namespace cradle
