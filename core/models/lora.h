#pragma once
// LoRA over a whole model: which projections carry adapters (chosen as peft
// chooses them, by module name), freezing the base so that only the adapters
// train, switching them off, and folding them in. The projections themselves
// are core/models/lora_linear.h; the adapter files are core/hub/peft_adapter.h.
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "core/hub/hub_config.h"
#include "core/models/lora_linear.h"

namespace cradle {

// The attention and MLP projections of an architecture: q/k/v/o, gate/up/down
// for the Llama family; c_attn, c_proj, c_fc for GPT-2.
LoraTargets default_lora_targets(HubArchitecture architecture);

// The projections of `model` by name, with or without adapters.
std::vector<std::pair<std::string, LoraLinearImpl*>> lora_projections(torch::nn::Module& model);

struct LoraAttachment {
  std::vector<std::string> modules;  // the projections that got an adapter
  std::int64_t adapter_parameters = 0, base_parameters = 0;
};

// Adds an adapter to every projection `targets` matches. ConfigError naming
// the targets and the projections the model has when they match none.
LoraAttachment attach_lora(torch::nn::Module& model, const LoraOptions& options, const LoraTargets& targets);

// Only the adapters train: every other parameter stops requiring gradients.
void freeze_all_but_adapters(torch::nn::Module& model);
// The adapters in float32 whatever the base's type: a base frozen in
// bfloat16 halves its memory, while the weights that train keep float32's
// precision (their optimizer state too).
void keep_adapters_in_float32(torch::nn::Module& model);
void set_adapters_enabled(torch::nn::Module& model, bool enabled);
// The adapters off for a scope, so the model computes as its frozen base
// (DPO's and PPO's reference without a second copy); on again at its end.
class AdaptersSwitchedOff {
 public:
  explicit AdaptersSwitchedOff(torch::nn::Module& model) : model_(model) { set_adapters_enabled(model_, false); }
  ~AdaptersSwitchedOff() { set_adapters_enabled(model_, true); }
  AdaptersSwitchedOff(const AdaptersSwitchedOff&) = delete;
  AdaptersSwitchedOff& operator=(const AdaptersSwitchedOff&) = delete;

 private:
  torch::nn::Module& model_;
};
// Folds every adapter into its projection's weight; the count folded.
std::int64_t merge_adapters(torch::nn::Module& model);
bool has_adapters(torch::nn::Module& model);

}  // namespace cradle
