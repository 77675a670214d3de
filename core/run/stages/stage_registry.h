#pragma once
// Which runner runs an experiment's stage (core/run/stages/stage_runner.h).
// Adding a stage: a new core/run/stages/<name>_stage.cpp defining its runner
// and its make_ function, the function declared below, and one line in
// make_stage_runner (stage_registry.cpp). See ARCHITECTURE.md.
#include <memory>

#include "core/experiment/experiment.h"
#include "core/run/stages/stage_runner.h"

namespace cradle {

// The runner for `experiment` (already validated: its task, stage and source go together).
std::unique_ptr<StageRunner> make_stage_runner(const Experiment& experiment);

// The runners, one file each.
std::unique_ptr<StageRunner> make_classification_stage();       // images and tables: classification, regression
std::unique_ptr<StageRunner> make_text_classification_stage();  // texts
std::unique_ptr<StageRunner> make_language_model_stage();       // pretraining
std::unique_ptr<StageRunner> make_fine_tuning_stage();          // sft
std::unique_ptr<StageRunner> make_reward_model_stage();         // reward
std::unique_ptr<StageRunner> make_direct_preference_stage();    // dpo
std::unique_ptr<StageRunner> make_policy_optimisation_stage();  // ppo
std::unique_ptr<StageRunner> make_pruning_stage(const Experiment& experiment);       // prune (by compress.method)
std::unique_ptr<StageRunner> make_distillation_stage(const Experiment& experiment);  // distill (by task)

}  // namespace cradle
