#pragma once
// The experiments the rating panel's "Train reward model", "Run DPO" and "Run
// PPO" buttons write (issue 9): the next alignment stage from what people
// labelled and the runs they labelled, with the alignment demo's settings
// (projects/alignment-demo) scaled to the number of labels, so that twenty
// labels train for as many steps as hundreds would. Paths are written
// absolute: the file may be saved anywhere.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/experiment/json_object_reader.h"
#include "core/experiment/stage.h"

namespace cradle {

struct Experiment;

struct LabelledStageRequest {
  Stage stage = Stage::Reward;       // Reward | Dpo | Ppo
  std::filesystem::path policy_run;  // the chat model labelled: an sft, dpo or ppo run, or a model folder
  std::filesystem::path labels;   // reward, dpo: a label file (core/align/preference_labels.h) or any preference JSONL
  std::filesystem::path prompts;  // ppo: the prompts the policy answers (JSONL)
  std::filesystem::path reward_run;  // ppo: the reward model
  std::string name;
  std::int64_t max_new_tokens = 24;  // ppo: reply length in rollouts
};

// Decided pairs a reward model or DPO needs before its three splits each get one.
inline constexpr std::int64_t kMinimumLabelledPairs = 10;

// The decided pairs (ties and skips left out) in a label file; ConfigError
// when there are fewer than kMinimumLabelledPairs. The rating panel asks this
// first, before anything else is asked of the person.
std::int64_t decided_pairs(const std::filesystem::path& labels);

// What a run is, in words, when it is not a chat model: "a classification
// run", "a pretrained language model (stage pretrain)".
std::string describe_non_chat_run(const Experiment& run);

// A complete, canonical experiment document; ConfigError naming what is
// missing or wrong (a policy run that is not a chat model, too few decided labels).
Json labelled_stage_experiment(const LabelledStageRequest& request);

}  // namespace cradle
