#include "core/run/model_folder_memory.h"

#include <algorithm>

#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/experiment/train_spec.h"
#include "core/hub/hub_model.h"
#include "core/run/experiment_profile.h"
#include "core/run/pretrained_tuning.h"

namespace cradle {

ModelFolderMemory model_folder_memory(const HubModelConfig& config, const Json& document) {
  const auto section = [&document](const char* key) {
    const auto found = document.is_object() ? document.find(key) : document.end();
    return found != document.end() && found->is_object() ? *found : Json::object();
  };
  const Json data = section("data");
  Json train = section("train");
  const TrainSpec spec = parse_train_spec(JsonObjectReader(train, "train"), Task::LanguageModel);
  ModelFolderMemory m;
  m.config = config;
  FineTuningMemoryOptions& o = m.options;
  const auto context = data.find("context_length");
  o.context =
      std::min<std::int64_t>(context != data.end() && context->is_number_integer() ? context->get<std::int64_t>() : 512,
                             config.max_position_embeddings);
  o.batch = spec.batch_size;
  o.gradient_checkpointing = spec.gradient_checkpointing;
  if (spec.lora.enabled) {
    o.lora = spec.lora.options;
    if (!spec.lora.targets.names.empty() || !spec.lora.targets.pattern.empty()) o.targets = spec.lora.targets;
    o.bfloat16_base = lora_base_in_bfloat16(spec.lora, torch::kCPU);
  }
  m.chosen = estimate_fine_tuning_memory(config, o);
  FineTuningMemoryOptions full = o;
  full.lora.reset();
  full.targets.reset();
  full.bfloat16_base = false;
  full.gradient_checkpointing = false;
  m.full = estimate_fine_tuning_memory(config, full);
  FineTuningMemoryOptions lora = full;
  lora.lora = spec.lora.enabled ? spec.lora.options : LoraOptions();
  lora.gradient_checkpointing = true;
  lora.bfloat16_base = lora_base_in_bfloat16(spec.lora, torch::kCPU);
  m.lora_checkpointed = estimate_fine_tuning_memory(config, lora);
  m.machine = physical_memory_bytes();
  return m;
}

std::filesystem::path hub_folder_behind(const std::filesystem::path& init_from) {
  std::filesystem::path at = init_from;
  for (int stage = 0; stage < 16 && !at.empty(); ++stage) {  // a bound, should runs ever name each other
    if (is_hub_model_folder(at)) return at;
    const auto experiment_file = at / "experiment.json";
    if (!std::filesystem::is_regular_file(experiment_file)) return {};
    try {
      const Experiment run = load_experiment(experiment_file);
      if (run.model.is_pretrained() && !run.model_inherited) {
        const auto folder = run.resolve(run.model.folder);
        return is_hub_model_folder(folder) ? folder : std::filesystem::path();
      }
      at = run.init_from.empty() ? std::filesystem::path() : run.resolve(run.init_from);
    } catch (const Error&) {
      return {};
    }
  }
  return {};
}

}  // namespace cradle
