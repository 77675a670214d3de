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

// Which models a stage tunes: any language model (sft), or only transformers
// — a GPT, and a Hugging Face model where `model_folders` — with `why` naming
// the need in the refusal ("DPO tunes a GPT or a Hugging Face model").
struct BaseModelNeed {
  const char* why = nullptr;  // null: any language model
  bool model_folders = false;
};

// Takes over init_from's model into the run's experiment (ConfigError when the
// experiment names another, or one `need` refuses).
BaseRun adopt_base_run(StageContext& context, const BaseModelNeed& need = {});

// What a LoRA run's adapters apply to (peft's base_model_name_or_path): the
// model folder init_from names, else the run it names (whose export as a Hub
// folder, cradle-cli export --format hf, is then the base peft loads).
std::string adapter_base_model(const Experiment& experiment);

// DPO's and PPO's frozen reference: the policy the stage started from, kept in
// the run folder (reference.pt) so that resuming does not depend on init_from
// staying as it was; a model folder the stage tunes directly is its own
// reference (the run reads the folder anyway). Call once the folder exists.
torch::nn::Sequential load_reference_policy(const StageContext& context, const BaseRun& base,
                                            const std::vector<std::int64_t>& input_shape, std::int64_t outputs);

// The reference of a finished run, for evaluation: its reference.pt, else the
// model it started from read again from init_from (a model folder, or a LoRA
// run's base run: LoRA's reference was that base with the adapters off).
torch::nn::Sequential load_run_reference(const Experiment& experiment, const std::filesystem::path& reference_file,
                                         const std::vector<std::int64_t>& input_shape, std::int64_t outputs);

}  // namespace cradle
