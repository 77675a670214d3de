#include "core/run/stages/base_run.h"

#include "core/common/error.h"
#include "core/models/model_factory.h"
#include "core/run/fine_tuning_base.h"
#include "core/run/run_weights.h"
#include "core/train/checkpoint.h"

namespace cradle {

BaseRun adopt_base_run(StageContext& c, const char* needs_gpt) {
  BaseRun base;
  base.tokenizer = c.saved_tokenizer;
  if (c.resuming) return base;
  Experiment& e = c.experiment;
  const FineTuningBase loaded = load_fine_tuning_base(e);
  const Json base_model = model_spec_to_json(loaded.pretrained.model, Task::LanguageModel);
  if (!e.model_inherited && model_spec_to_json(e.model, Task::LanguageModel) != base_model)
    throw ConfigError("model: differs from the pretrained run's " + base_model.dump() +
                      "; fine-tuning keeps the pretrained model: leave the model section out");
  if (needs_gpt && loaded.pretrained.model.type != "gpt")
    throw ConfigError("init_from: " + std::string(needs_gpt) + "; " + e.init_from + " holds a " +
                      loaded.pretrained.model.type);
  e.model = loaded.pretrained.model;
  e.model_inherited = false;  // the frozen experiment names it, so the run stands alone
  base.weights = loaded.weights;
  if (!base.tokenizer) base.tokenizer = loaded.tokenizer;
  return base;
}

torch::nn::Sequential load_reference_policy(const StageContext& c, const BaseRun& base,
                                            const std::vector<std::int64_t>& input_shape, std::int64_t outputs) {
  auto reference = build_model(c.experiment.model, input_shape, outputs, {});
  if (c.resuming) {
    load_model_weights(c.folder.reference_file(), *reference);
  } else {
    load_weights_file(base.weights, *reference);
    if (c.writes) save_model_weights(c.folder.reference_file(), *reference);
  }
  reference->to(c.device);
  return reference;
}

}  // namespace cradle
