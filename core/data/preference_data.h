#pragma once
// The splits of a reward-model experiment (stage "reward"): preference pairs
// from JSONL files (TRL / HH-RLHF layouts, core/text/conversation_records.h),
// each conversation rendered through the chat template twice, ending with the
// chosen and with the rejected reply. Inputs [N, 2, T]: row 0 the chosen, row
// 1 the rejected, right-padded with <pad>; a conversation longer than T keeps
// its last T tokens, where the reply and its end are. Targets [N] are unused.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/data_splits.h"
#include "core/experiment/experiment.h"
#include "core/text/chat_template.h"

namespace cradle {

struct PreferenceData : DataSplits {
  std::shared_ptr<const Tokenizer> tokenizer;
  ChatMarkers markers;
  std::vector<std::string> files;
  std::vector<std::string> skipped;
  std::vector<PreferencePair> train_pairs, validation_pairs, test_pairs;
  std::int64_t truncated = 0;  // renderings cut to their last data.context_length tokens
  std::int64_t vocab_size() const { return tokenizer->vocab_size(); }
};

PreferenceData load_preference_data(const Experiment& experiment, std::shared_ptr<const Tokenizer> tokenizer);

// Pairs as inputs [N, 2, context_length] (chosen, rejected).
TensorDataset preference_pairs_dataset(const Tokenizer& tokenizer, const ChatMarkers& markers,
                                       const std::vector<PreferencePair>& pairs, std::int64_t context_length,
                                       std::int64_t* truncated = nullptr);

}  // namespace cradle
