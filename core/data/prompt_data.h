#pragma once
// The prompts of a PPO experiment (data.source "prompts"): JSONL records of
// any dialogue or preference layout, or {"prompt": ...} alone
// (core/text/conversation_records.h), each the conversation up to its last
// user turn, split seeded like every conversation source. The policy answers
// them in rollouts, in its chat format (core/run/run_chat_format.h); no token
// tensors are made here.
#include <memory>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct PromptData {
  std::shared_ptr<const Tokenizer> tokenizer;
  std::shared_ptr<const ChatFormat> format;  // how the policy reads a prompt and ends its turn
  std::vector<std::string> files;
  std::vector<std::string> skipped;
  std::vector<ChatPrompt> train, validation, test;
};

PromptData load_prompt_data(const Experiment& experiment, std::shared_ptr<const Tokenizer> tokenizer,
                            std::shared_ptr<const ChatFormat> format);

// The prompts of a chat experiment's test split (source prompts, dialogues or
// preferences: each record up to its last user turn, split as the run split
// them), which the run never trained on: the before/after comparison's prompts.
std::vector<ChatPrompt> held_out_prompts(const Experiment& experiment);

// A prompt set the rating panel loads: JSONL of any layout parse_prompt_jsonl
// reads, or plain text with one prompt per non-empty line. DataError naming file:line.
std::vector<ChatPrompt> load_prompt_file(const std::filesystem::path& file);
// The prompts as {"prompt": [...]} JSON Lines, the layout data.source "prompts" reads.
std::string prompts_to_jsonl(const std::vector<ChatPrompt>& prompts);

}  // namespace cradle
