#pragma once
// RMSNorm (Zhang & Sennrich, 2019; transformers' LlamaRMSNorm) of each row in
// one pass, for generation: weight · (x / √(mean(x²) + eps)), the
// normalisation in float32 and rounded to x's type before the weight's
// product, as LlamaRMSNorm does. ATen spends eight operators on it (the
// conversions, square, mean, add, rsqrt and two products), which at one token
// cost more than the arithmetic. Training keeps the operators (autograd), and so does
// gradient checkpointing's first pass without gradients, which must match its recomputation.
#include <torch/types.h>

namespace cradle {

// Whether rms_norm_rows takes x and weight: CPU, float32 or bfloat16 alike,
// weight [width] and x [..., width], no gradient wanted.
bool rms_norm_rows_applies(const torch::Tensor& x, const torch::Tensor& weight);

torch::Tensor rms_norm_rows(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace cradle
