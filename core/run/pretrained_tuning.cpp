#include "core/run/pretrained_tuning.h"

#include <cstdio>

#include "core/common/error.h"
#include "core/hub/hub_reward_model.h"
#include "core/hub/peft_adapter.h"
#include "core/hub/pretrained_language_model.h"
#include "core/train/autocast.h"

namespace cradle {

std::string PretrainedTuning::describe() const {
  std::string line;
  if (lora) {
    const auto& a = attachment;
    const double share = 100.0 * static_cast<double>(a.adapter_parameters) /
                         static_cast<double>(std::max<std::int64_t>(1, a.adapter_parameters + a.base_parameters));
    char percent[32];
    std::snprintf(percent, sizeof percent, "%.2f%%", share);
    line = "LoRA: adapters on " + std::to_string(a.modules.size()) + " projections train " +
           std::to_string(a.adapter_parameters) + " parameters (" + percent + " of the model), the rest frozen" +
           (bfloat16_base ? " in bfloat16" : "");
  }
  if (gradient_checkpointing)
    line += std::string(line.empty() ? "" : "; ") + "gradient checkpointing: layers recomputed in the backward pass";
  return line;
}

void PretrainedTuning::report(Json& report) const {
  if (lora)
    report["lora"] = Json{{"projections", attachment.modules.size()},
                          {"adapter_parameters", attachment.adapter_parameters},
                          {"frozen_parameters", attachment.base_parameters},
                          {"base_dtype", bfloat16_base ? "bfloat16" : "float32"}};
  if (gradient_checkpointing) report["gradient_checkpointing"] = true;
}

bool lora_base_in_bfloat16(const LoraSpec& lora, torch::Device device) {
  if (lora.base_dtype == "auto") return !device.is_cuda() && cpu_has_native_bfloat16();
  return lora.base_dtype == "bfloat16";
}

PretrainedTuning prepare_pretrained_tuning(torch::nn::Sequential& model, const ModelSpec& spec, const TrainSpec& train,
                                           torch::Device device) {
  PretrainedTuning tuning;
  if (!train.lora.enabled && !train.gradient_checkpointing) return tuning;
  const auto pretrained = pretrained_architecture(model);  // a language model's, or a reward model's
  if (!pretrained)
    throw ConfigError(std::string("train.") + (train.lora.enabled ? "lora" : "gradient_checkpointing") +
                      ": tunes a model read from a Hugging Face folder (init_from the folder), got model type \"" +
                      spec.type + "\"");
  if (train.lora.enabled) {
    LoraTargets targets = train.lora.targets;
    if (targets.names.empty() && targets.pattern.empty())
      targets = default_lora_targets(pretrained->config().architecture);
    tuning.lora = true;
    tuning.attachment = attach_lora(*pretrained, train.lora.options, targets);
    freeze_all_but_adapters(*pretrained);
    tuning.bfloat16_base = lora_base_in_bfloat16(train.lora, device);
    if (tuning.bfloat16_base) {
      pretrained->to(torch::kBFloat16);
      keep_adapters_in_float32(*pretrained);
    }
  }
  tuning.gradient_checkpointing = train.gradient_checkpointing;
  pretrained->set_gradient_checkpointing(train.gradient_checkpointing);
  return tuning;
}

std::string save_and_merge_adapters(torch::nn::Sequential& model, const std::string& base_model,
                                    const std::filesystem::path& folder) {
  const auto pretrained = pretrained_language_model(model);
  if (!pretrained || !has_adapters(*pretrained)) return "";
  HubModel hub;
  hub.config = pretrained->config();
  hub.model = pretrained;
  save_peft_adapter(hub, base_model, folder);
  merge_adapters(*pretrained);
  return "adapters saved in peft's layout: " + folder.string() + " (over " + base_model +
         "); model/model.pt holds them merged into the weights";
}

}  // namespace cradle
