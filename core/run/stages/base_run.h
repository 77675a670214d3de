#pragma once
// What the stages after pretraining (sft, reward, dpo, ppo) start from: the
// language-model run named by init_from, whose model, weights and tokenizer
// they keep (core/run/fine_tuning_base.h checks it). A resumed run has the
// model in its own frozen experiment and the weights in its checkpoint.
#include <filesystem>
#include <memory>

#include "core/run/stages/stage_runner.h"

namespace cradle {

struct BaseRun {
  std::filesystem::path weights;               // empty for a resumed run
  std::shared_ptr<const Tokenizer> tokenizer;  // the run's own when it has one, else the base run's
};

// Takes over init_from's model into the run's experiment (ConfigError when the
// experiment names another). `needs_gpt`, when given, says why the stage
// needs a GPT ("DPO tunes a GPT"), and another model type is refused with it.
BaseRun adopt_base_run(StageContext& context, const char* needs_gpt = nullptr);

// DPO's and PPO's frozen reference: the policy the stage started from, kept in
// the run folder (reference.pt) so that resuming does not depend on init_from
// staying as it was. Call once the folder exists.
torch::nn::Sequential load_reference_policy(const StageContext& context, const BaseRun& base,
                                            const std::vector<std::int64_t>& input_shape, std::int64_t outputs);

}  // namespace cradle
