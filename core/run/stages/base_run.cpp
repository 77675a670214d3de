#include "core/run/stages/base_run.h"

#include "core/common/error.h"
#include "core/hub/hub_model.h"
#include "core/models/model_factory.h"
#include "core/run/fine_tuning_base.h"
#include "core/run/run_weights.h"
#include "core/train/checkpoint.h"

namespace cradle {

BaseRun adopt_base_run(StageContext& c, const BaseModelNeed& need) {
  BaseRun base;
  base.tokenizer = c.saved_tokenizer;
  if (c.resuming) return base;
  Experiment& e = c.experiment;
  const FineTuningBase loaded = load_fine_tuning_base(e);
  const Json base_model = model_spec_to_json(loaded.pretrained.model, Task::LanguageModel);
  if (!e.model_inherited && model_spec_to_json(e.model, Task::LanguageModel) != base_model)
    throw ConfigError("model: differs from the pretrained run's " + base_model.dump() +
                      "; fine-tuning keeps the pretrained model: leave the model section out");
  const auto& type = loaded.pretrained.model.type;
  if (need.why && type != "gpt" && !(need.model_folders && loaded.pretrained.model.is_pretrained()))
    throw ConfigError("init_from: " + std::string(need.why) + "; " + e.init_from + " holds a " + type);
  e.model = loaded.pretrained.model;
  e.model_inherited = false;  // the frozen experiment names it, so the run stands alone
  base.weights = loaded.weights;
  if (!base.tokenizer) base.tokenizer = loaded.tokenizer;
  return base;
}

std::string adapter_base_model(const Experiment& e) {
  if (e.init_from.empty()) return e.model.folder;  // a distilled student folder
  const auto base = e.resolve(e.init_from);
  return is_hub_model_folder(base) ? e.model.folder : std::filesystem::absolute(base).lexically_normal().string();
}

torch::nn::Sequential load_reference_policy(const StageContext& c, const BaseRun& base,
                                            const std::vector<std::int64_t>& input_shape, std::int64_t outputs) {
  auto reference = build_model(c.experiment.model, input_shape, outputs, {});  // a model folder's with its weights
  const auto file = c.folder.reference_file();
  if (c.resuming) {
    if (!c.experiment.model.is_pretrained() || std::filesystem::exists(file)) load_model_weights(file, *reference);
  } else if (!base.weights.empty()) {
    load_weights_file(base.weights, *reference);
    if (c.writes) save_model_weights(file, *reference);
  }
  reference->to(c.device);
  return reference;
}

torch::nn::Sequential load_run_reference(const Experiment& e, const std::filesystem::path& reference_file,
                                         const std::vector<std::int64_t>& input_shape, std::int64_t outputs) {
  auto reference = build_model(e.model, input_shape, outputs, {});
  if (std::filesystem::exists(reference_file) || !e.model.is_pretrained()) {
    load_model_weights(reference_file, *reference);
    return reference;
  }
  const FineTuningBase base = load_fine_tuning_base(e);  // refuses an init_from that is gone, naming it
  if (!base.weights.empty()) load_weights_file(base.weights, *reference);
  return reference;
}

}  // namespace cradle
