#pragma once
// What train.lora and train.gradient_checkpointing do to a model read from a
// Hugging Face folder (model type "pretrained"), and what a LoRA run keeps of
// it: the adapters in peft's layout (the run folder's adapter/), while
// model/model.pt holds them folded into the weights, so the run's model loads
// and generates as the plain architecture.
#include <torch/nn.h>

#include <filesystem>
#include <string>

#include "core/experiment/experiment.h"
#include "core/models/lora.h"

namespace cradle {

struct PretrainedTuning {
  bool lora = false;
  LoraAttachment attachment;   // LoRA: the projections given adapters, and the parameters that train
  bool bfloat16_base = false;  // LoRA: the frozen weights held in bfloat16, the adapters in float32
  bool gradient_checkpointing = false;
  std::string describe() const;     // train.log's line ("" when neither is asked for)
  void report(Json& report) const;  // report.json's "lora" and "gradient_checkpointing"
};

// Adds the adapters (from torch's current seed), freezes the rest (in
// bfloat16 where train.lora.base_dtype says so for `device`), and switches
// checkpointing on, as `train` asks. ConfigError when it asks them of a model
// that is not from a folder, or names no projection of the model.
PretrainedTuning prepare_pretrained_tuning(torch::nn::Sequential& model, const ModelSpec& spec, const TrainSpec& train,
                                           torch::Device device = torch::kCPU);

// train.lora.base_dtype for a device: "auto" is bfloat16 on a processor that
// computes it natively (not yet on a GPU, where it is untested here).
bool lora_base_in_bfloat16(const LoraSpec& lora, torch::Device device);

// A LoRA run's end: its adapters written to `folder` as peft writes them,
// then folded into the weights; train.log's line ("" without adapters).
// `base_model` (base_model_name_or_path) is what they apply to: the model
// folder, or the run the stage started from when it tuned one already.
std::string save_and_merge_adapters(torch::nn::Sequential& model, const std::string& base_model,
                                    const std::filesystem::path& folder);

}  // namespace cradle
