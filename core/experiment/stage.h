#pragma once
// What a run does with its model: the experiment's "stage". Spelled as a
// string only in the experiment file and report.json (to_string and
// parse_stage convert); everywhere else a switch over the enumeration, so that
// a stage a switch forgets fails to compile (-Werror=switch).
#include <optional>
#include <string>
#include <vector>

namespace cradle {

enum class Stage {
  Pretrain,  // from scratch (or init_from's weights): classification, regression, a language model's pretraining
  // Language models after pretraining, each from the run named by init_from, keeping its model and tokenizer:
  Sft,     // supervised fine-tuning on dialogues
  Reward,  // a reward model trained on preference pairs
  Dpo,     // direct preference optimisation on them
  Ppo,     // reinforcement learning against a reward
  // Compression (core/experiment/compress_spec.h):
  Prune,    // an image or table run's weights (or channels) pruned, then fine-tuned
  Distill,  // a classifier or language model learning from compress.teacher's
};

std::string to_string(Stage stage);  // "pretrain", "sft", "reward", "dpo", "ppo", "prune", "distill"
std::optional<Stage> parse_stage(const std::string& name);
std::vector<std::string> stage_names();  // every stage, in the order above

}  // namespace cradle
