#pragma once
// A Hugging Face Hub model folder opened as a Cradle model: config.json
// (core/hub/hub_config.h), its safetensors weights (core/hub/hub_checkpoint.h)
// loaded by name into the architecture (core/models/llama.h, core/models/gpt2.h),
// every tensor's shape checked against the config first.
#include <filesystem>
#include <string>

#include "core/hub/hub_config.h"
#include "core/models/causal_language_model.h"

namespace cradle {

struct HubModel {
  std::filesystem::path folder;
  HubModelConfig config;
  std::shared_ptr<CausalLanguageModelImpl> model;  // float32, on the CPU, in evaluation mode
  std::string stored_dtype;                        // as the files hold it: "F32", "F16", "BF16" or "mixed"
  std::int64_t weight_files = 0;
};

// DataError naming the file and tensor: a tensor the architecture needs that
// no file holds, a shape that disagrees with config.json, a tensor the
// architecture has no place for. ConfigError / IoError from the config and files.
// GPT-2's tensors are found with or without the "transformer." prefix (files
// saved from GPT2Model have none), and its causal-mask buffers are passed over.
HubModel load_hub_model(const std::filesystem::path& folder);

// The architecture a config describes, with fresh weights (float32, on the CPU).
std::shared_ptr<CausalLanguageModelImpl> build_hub_architecture(const HubModelConfig& config);

// Whether `folder` looks like a Hub model folder (config.json and safetensors
// weights, not an image backbone's: core/hub/image_backbone.h), so a command
// that opens runs can open it instead.
bool is_hub_model_folder(const std::filesystem::path& folder);

}  // namespace cradle
