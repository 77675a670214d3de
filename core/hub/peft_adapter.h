#pragma once
// LoRA adapters in Hugging Face peft's layout, so that adapters trained here
// load in peft and adapters downloaded from the Hub load here:
// adapter_config.json (core/hub/peft_adapter_config.h) and
// adapter_model.safetensors, whose tensors are named
// base_model.model.<module>.lora_A.weight [r, in] and .lora_B.weight [out, r].
#include <filesystem>
#include <string>

#include "core/hub/hub_model.h"
#include "core/hub/peft_adapter_config.h"
#include "core/models/lora.h"

namespace cradle {

struct LoadedAdapter {
  PeftAdapterConfig config;
  std::vector<std::string> modules;  // the projections that got an adapter
};

// Adds the adapter in `folder` to `hub`'s model: the projections the config
// targets get adapters, and the file's tensors fill them. DataError naming
// the file and tensor for a tensor with no projection, a projection with no
// tensor, or a shape that disagrees with the config's rank or the projection.
LoadedAdapter load_peft_adapter(HubModel& hub, const std::filesystem::path& folder);

// load_peft_adapter, then the adapters folded into the weights (for
// generating and exporting: a merged model runs as fast as the base).
LoadedAdapter merge_peft_adapter(HubModel& hub, const std::filesystem::path& folder);

// Writes the adapters of `hub`'s model (all of one LoraOptions) as peft does,
// in float32, atomically, creating `folder`. `base_model` goes to base_model_name_or_path.
void save_peft_adapter(const HubModel& hub, const std::string& base_model, const std::filesystem::path& folder);

}  // namespace cradle
