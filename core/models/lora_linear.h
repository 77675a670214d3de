#pragma once
// A linear projection of a Hub architecture that can carry a LoRA adapter
// (Hu et al., 2021, as Hugging Face's peft computes it): y = x·Wᵀ + b +
// scaling · lora_B(lora_A(dropout(x))), with lora_A [rank, in] and lora_B
// [out, rank]. The base weight keeps the Hub's name ("weight", "bias"), the
// adapter peft's ("lora_A.weight", "lora_B.weight"), so a checkpoint and an
// adapter file both load by name. GPT-2's Conv1D is the same projection with
// its weight stored transposed, [in, out]. The products run on every core
// (models/threaded_linear.h); the dropout is Cradle's hashed mask
// (models/fast_dropout.h), which ATen's bernoulli_ took a fifth of a
// bfloat16 LoRA step to draw.
#include <torch/torch.h>

#include <cstdint>

#include "core/models/lora_options.h"

namespace cradle {

class LoraLinearImpl : public torch::nn::Module {
 public:
  // `transposed`: the weight is stored [in, out] (transformers' Conv1D, GPT-2).
  // Initialised as torch's Linear (Conv1D: normal, std 0.02; bias zero).
  LoraLinearImpl(std::int64_t in, std::int64_t out, bool bias, bool transposed = false);
  torch::Tensor forward(const torch::Tensor& x);

  // Adds lora_A (Kaiming-uniform, a = √5, as peft) and lora_B (zeros, so the
  // output is unchanged until it is trained), in the base weight's type and
  // device. TORCH_CHECK against a second adapter and a rank outside [1, min(in, out)].
  void attach_adapter(const LoraOptions& options);
  bool has_adapter() const { return !lora_A.is_empty(); }
  // Off: the base projection alone (DPO's and PPO's reference without a second copy of the model).
  void set_adapter_enabled(bool enabled) { adapter_enabled_ = enabled; }
  bool adapter_enabled() const { return adapter_enabled_; }
  // scaling · B·A as the base weight is stored ([out, in], or [in, out] when transposed), in float32.
  torch::Tensor adapter_delta() const;
  // Folds the adapter into the weight and removes it.
  void merge_adapter();
  const LoraOptions& adapter_options() const { return options_; }

  std::int64_t in_features() const { return in_; }
  std::int64_t out_features() const { return out_; }
  bool transposed() const { return transposed_; }

  torch::Tensor weight, bias;  // bias undefined when the projection has none
  torch::nn::Linear lora_A{nullptr}, lora_B{nullptr};

 private:
  std::int64_t in_, out_;
  bool transposed_;
  LoraOptions options_;
  bool adapter_enabled_ = true;
};
TORCH_MODULE(LoraLinear);

}  // namespace cradle
