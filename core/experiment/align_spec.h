#pragma once
// The experiment file's `align` section: the settings of the alignment stages
// after supervised fine-tuning. Each stage reads its own fields; a field of
// another stage is an error, not silently ignored:
//   reward: margin
//   dpo:    beta, label_smoothing
//   ppo:    reward_run | reward_function, the rollout and the PPO settings below
// Defaults follow common practice (TRL's classic PPO trainer, the DPO paper).
#include <cstdint>
#include <string>

#include "core/experiment/json_object_reader.h"
#include "core/experiment/stage.h"

namespace cradle {

struct AlignSpec {
  // reward: the pairwise loss -log sigmoid(r_chosen - r_rejected - margin).
  double margin = 0.0;

  // dpo: the strength of the implicit KL constraint, and the assumed share of
  // flipped labels (conservative DPO): -(1-s) log sigmoid(beta d) - s log sigmoid(-beta d).
  double beta = 0.1;
  double label_smoothing = 0.0;

  // ppo: what scores a response: a reward run's folder, or a programmatic
  // reward (core/align/programmatic_reward.h). Exactly one of them.
  std::string reward_run;
  Json reward_function;  // null when absent
  // Rollouts: train.batch_size prompts per iteration, one response each.
  std::int64_t max_new_tokens = 32;
  // Rollouts generated together, step by step (core/eval/batched_generation.h); 0: the whole
  // batch at once. Each rollout is the same either way; a smaller number only bounds the memory
  // of the key/value caches (a large model folder's), and 1 generates them one at a time.
  std::int64_t generation_batch = 0;
  double temperature = 1.0;
  std::int64_t top_k = 0;  // 0: the whole vocabulary
  double top_p = 1.0;
  // Subtracted from the score of a response that never ends its turn.
  double missing_end_penalty = 1.0;
  // Per-token KL penalty coefficient, fixed or adapted towards kl_target
  // (summed over a response, in nats) over kl_horizon samples.
  std::string kl_control = "adaptive";  // "adaptive" | "fixed"
  double kl_coef = 0.2;
  double kl_target = 6.0;
  double kl_horizon = 10000.0;
  double gamma = 1.0;    // discount
  double lambda = 0.95;  // GAE
  bool whiten_advantages = true;
  double clip_range = 0.2;        // policy ratio clip (epsilon)
  double value_clip_range = 0.2;  // the value prediction moves at most this far from the rollout's
  double value_loss_coef = 0.1;
  std::int64_t ppo_epochs = 4;      // passes over each rollout batch
  std::int64_t minibatch_size = 4;  // rollouts per optimizer step
  std::int64_t logged_samples = 2;  // responses written to samples.jsonl per iteration
};

// `stage` decides which fields are read; ConfigError naming align.<field>.
AlignSpec parse_align_spec(JsonObjectReader r, Stage stage);
// The fields of `stage` (empty for stages without any).
Json align_spec_to_json(const AlignSpec& spec, Stage stage);

// The stages that read an align section.
bool stage_has_align_section(Stage stage);

}  // namespace cradle
