#pragma once
// Batched matrix products for attention: a [N, M, K] x b [N, K, P] -> [N, M, P],
// or a x bᵀ with b [N, P, K] (scores = q·kᵀ without copying k transposed).
// LibTorch 1.13's CPU bmm in float32 runs one dispatched addmm per matrix
// (select, resolve_conj, addmm: about 5 us each) on one BLAS thread. This
// calls the BLAS gemm on each matrix (or on blocks of its rows, so that three
// key/value heads still fill two cores) from one parallel loop
// (models/threaded_gemm.h), with its own backward (dA = dC B^T, dB = A^T dC).
// Other dtypes and devices use torch::matmul.
#include <torch/types.h>

namespace cradle {

torch::Tensor batched_matmul(const torch::Tensor& a, const torch::Tensor& b);
// a [N, M, K] x b[N, P, K]ᵀ -> [N, M, P].
torch::Tensor batched_matmul_transposed(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace cradle
