#pragma once
// The type a Hugging Face model's weights are held in while it generates. At
// batch 1 every new token reads every weight once, so generation is bound by
// memory bandwidth: bfloat16 halves the bytes read, and where the processor
// computes bfloat16 natively (avx512_bf16 or amx_bf16, through oneDNN's
// kernels) its matrix-vector products are also faster than float32's. Where
// bfloat16 is emulated (AVX2 processors such as AMD Zen 3) its products are
// slower than float32's, so "auto" keeps float32 there. bfloat16 rounds each
// weight to 8 significant bits: greedy text may differ from float32's in
// places where two tokens are nearly tied.
#include <torch/types.h>

#include <string>

namespace cradle {

enum class InferenceWeights { Auto, Float32, BFloat16 };

// "auto", "float32" or "bfloat16"; ConfigError naming the value otherwise.
InferenceWeights parse_inference_weights(const std::string& name);

struct ChosenWeights {
  torch::ScalarType type = torch::kFloat32;
  std::string reason;  // for the user: why this type
};

// The type to use on `device` (auto: bfloat16 on a CPU with native bfloat16, float32 elsewhere).
ChosenWeights choose_inference_weights(InferenceWeights requested, torch::Device device);

}  // namespace cradle
