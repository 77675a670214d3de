#pragma once
// y = x·Wᵀ + b (or x·W + b for a weight stored [in, out], transformers'
// Conv1D) with its products on every intra-op thread (threaded_gemm.h), for
// float32 on the CPU, with its own backward: dx = dy·W, dW = dyᵀ·x, db = Σ dy,
// each computed only when that input needs a gradient (a frozen LoRA base
// costs no weight gradient). Other types, devices and autocast take
// torch::nn::functional::linear (bfloat16 already runs on oneDNN's threads),
// except a product of a few rows without gradients (generation's new token),
// which takes models/few_rows_linear.h in float32 and in bfloat16.
#include <torch/types.h>

namespace cradle {

// x [..., in]; weight [out, in], or [in, out] when `weight_transposed`; bias [out] or undefined.
// `evaluating`: the calling module is in evaluation mode, so a few rows without gradients may take
// few_rows_linear (never during training: gradient checkpointing's first pass runs without gradients and
// must give what its recomputation gives).
torch::Tensor threaded_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                              bool weight_transposed = false, bool evaluating = false);

}  // namespace cradle
