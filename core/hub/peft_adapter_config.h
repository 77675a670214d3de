#pragma once
// peft's adapter_config.json, read and written without LibTorch (so the
// reader is fuzzed): peft_type "LORA", r, lora_alpha, lora_dropout,
// target_modules, use_rslora, base_model_name_or_path. The adapter's tensors
// are core/hub/peft_adapter.h.
#include <filesystem>
#include <string>

#include "core/models/lora_options.h"

namespace cradle {

struct PeftAdapterConfig {
  LoraOptions options;
  LoraTargets targets;
  std::string base_model;  // base_model_name_or_path, as the file names it
};

// ConfigError naming `origin` and the field for what this reader cannot
// honour rather than misread: another peft_type, DoRA, trained biases,
// modules_to_save, per-layer rank or alpha patterns, layers_to_transform.
// fan_in_fan_out is not read: as peft does, the projection's own layout
// decides (GPT-2's Conv1D stores [in, out]).
PeftAdapterConfig parse_peft_adapter_config(const std::string& text, const std::string& origin);
// adapter_config.json of `folder`; IoError when there is none.
PeftAdapterConfig read_peft_adapter_config(const std::filesystem::path& folder);

// The file as peft writes it (every field peft's LoraConfig saves, in its order).
// `fan_in_fan_out`: the projections store their weights [in, out] (GPT-2).
std::string peft_adapter_config_text(const PeftAdapterConfig& config, const std::vector<std::string>& target_modules,
                                     bool fan_in_fan_out);

// Whether `folder` holds an adapter (adapter_config.json).
bool is_peft_adapter_folder(const std::filesystem::path& folder);

}  // namespace cradle
