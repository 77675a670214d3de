#pragma once
// What one training step of a Hub model holds in memory, estimated before it
// runs, for `cradle-cli inspect` and the wizard: the weights; the gradients
// and AdamW's two moments of what trains (every weight, or LoRA's adapters
// alone); the activations the backward pass needs (all of every layer's, or
// with gradient checkpointing each layer's input and one layer's at a time);
// and the output's logits, their softmax and gradient. Tensors only: the
// process itself (LibTorch, its thread pools) adds a few hundred MiB.
// bench/hub_fine_tuning.sh measures the real peaks beside these figures.
#include <cstdint>
#include <optional>

#include "core/hub/hub_config.h"
#include "core/models/lora_options.h"

namespace cradle {

struct FineTuningMemoryOptions {
  std::int64_t context = 512;
  std::int64_t batch = 1;
  std::optional<LoraOptions> lora;     // none: full fine-tuning
  std::optional<LoraTargets> targets;  // default: the architecture's attention and MLP projections
  bool gradient_checkpointing = false;
  bool bfloat16_base = false;  // LoRA: the frozen base (and its activations) in bfloat16
};

struct FineTuningMemory {
  std::int64_t trainable = 0;                                                           // parameters
  std::int64_t weights = 0, gradients = 0, optimizer = 0, activations = 0, logits = 0;  // bytes
  std::int64_t total() const { return weights + gradients + optimizer + activations + logits; }
};

FineTuningMemory estimate_fine_tuning_memory(const HubModelConfig& config, const FineTuningMemoryOptions& options);

}  // namespace cradle
