#pragma once
// Rotary positions (Su et al., 2021) in the Hub's rotate-half layout applied
// in one pass, for generation: x·cos + rotate_half(x)·sin, where rotate_half
// turns dimension i with i + D/2. ATen spends seven operators on each of q and
// k (two narrows, a negation, a concatenation, two products and a sum), which
// at one token cost more than the arithmetic. The result is rounded as those
// operators round it (each product and the sum in x's type), so generation
// gives the tokens the operators give. Training keeps the operators (autograd).
#include <torch/types.h>

namespace cradle {

// Whether rotary_rows takes x: CPU, float32 or bfloat16, x [B, heads, T, D]
// with D even and its last dimension contiguous, cos and sin [T, D] of x's
// type, no gradient wanted.
bool rotary_rows_applies(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// x·cos + rotate_half(x)·sin as a contiguous [B, heads, T, D] tensor.
torch::Tensor rotary_rows(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace cradle
