#pragma once
// Scaled dot-product attention of the Hub architectures (Llama family, GPT-2):
// softmax(q·kᵀ/√d with future positions masked) · v, the softmax in float32.
// Grouped-query attention without copies: key/value head j serves query heads
// j·g … j·g+g−1 (transformers' repeat_kv), so the g query heads of one group
// are stacked into one [g·T, d] matrix against that group's keys, instead of
// repeating every key and value g times. The products run through
// batched_matmul (models/batched_matmul.h), the scale is applied to q before
// the product (T·d multiplications instead of T·S; exact for d = 64).
#include <torch/types.h>

namespace cradle {

// q [B, H, T, d]; k, v [B, H_kv, S, d] with H a multiple of H_kv; future [T, S]
// (true where a query may not look, models/causal_language_model.h's
// future_positions). Returns [B, T, H·d]. `evaluating` (the module in evaluation mode, no gradients):
// bfloat16 is computed in float32, which LibTorch 1.13 does faster at generation's sizes.
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& future, bool evaluating = false);

}  // namespace cradle
