#pragma once
// The prompts of a PPO experiment (data.source "prompts"): JSONL records of
// any dialogue or preference layout, or {"prompt": ...} alone
// (core/text/conversation_records.h), each the conversation up to its last
// user turn, split seeded like every conversation source. The policy answers
// them in rollouts; no token tensors are made here.
#include <memory>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/text/chat_template.h"

namespace cradle {

struct PromptData {
  std::shared_ptr<const Tokenizer> tokenizer;
  ChatMarkers markers;
  std::vector<std::string> files;
  std::vector<std::string> skipped;
  std::vector<ChatPrompt> train, validation, test;
};

PromptData load_prompt_data(const Experiment& experiment, std::shared_ptr<const Tokenizer> tokenizer);

}  // namespace cradle
