#include "core/run/stages/stage_registry.h"

#include <stdexcept>

namespace cradle {

std::unique_ptr<StageRunner> make_stage_runner(const Experiment& e) {
  if (e.stage == "pretrain") {
    if (e.task == "language_model") return make_language_model_stage();
    if (is_text_classification(e)) return make_text_classification_stage();
    return make_classification_stage();
  }
  if (e.stage == "sft") return make_fine_tuning_stage();
  if (e.stage == "reward") return make_reward_model_stage();
  if (e.stage == "dpo") return make_direct_preference_stage();
  if (e.stage == "ppo") return make_policy_optimisation_stage();
  if (e.stage == "prune") return make_pruning_stage(e);
  if (e.stage == "distill") return make_distillation_stage(e);
  throw std::logic_error("no runner for stage \"" + e.stage + "\"");  // parse_experiment admits only the stages above
}

}  // namespace cradle
