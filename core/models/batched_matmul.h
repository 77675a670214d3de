#pragma once
// Batched matrix product a [N, M, K] x b [N, K, P] -> [N, M, P] for attention.
// LibTorch 1.13's CPU bmm in float32 runs one dispatched addmm per matrix
// (select, resolve_conj, addmm: about 5 us each), which for the GPT's 48 small
// per-head products costs 250 us a call, most of it overhead. This calls the
// BLAS gemm on each matrix directly from a parallel loop (about 50 us), with
// its own backward (dA = dC B^T, dB = A^T dC). Other dtypes and devices use
// torch::matmul.
#include <torch/types.h>

namespace cradle {

torch::Tensor batched_matmul(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace cradle
