#include "core/run/stages/stage_registry.h"

#include <stdexcept>

namespace cradle {

std::unique_ptr<StageRunner> make_stage_runner(const Experiment& e) {
  switch (e.stage) {  // every stage handled: -Werror=switch
    case Stage::Pretrain:
      if (e.task == Task::LanguageModel) return make_language_model_stage();
      if (is_text_classification(e)) return make_text_classification_stage();
      return make_classification_stage();
    case Stage::Sft: return make_fine_tuning_stage();
    case Stage::Reward: return make_reward_model_stage();
    case Stage::Dpo: return make_direct_preference_stage();
    case Stage::Ppo: return make_policy_optimisation_stage();
    case Stage::Prune: return make_pruning_stage(e);
    case Stage::Distill: return make_distillation_stage(e);
  }
  throw std::logic_error("make_stage_runner: a stage outside the enumeration");
}

}  // namespace cradle
