#pragma once
// x·Wᵀ for a few rows of x: generation's new token at batch 1, where a product
// reads every weight once and does two operations per weight read, so its
// speed is the memory's. Outputs are split across the intra-op threads, each
// streaming its block of weight rows against x, four rows at a time.
//
// Why Cradle's own kernel: LibTorch 1.13 sends a float32 product with one row
// to OpenBLAS's gemm, which packs the weights into a buffer before using them
// (read twice, written once), and a bfloat16 one to a path that reaches about
// a tenth of the memory's speed. Here bfloat16 weights are widened to float32
// by a shift (bfloat16 is float32's upper half) and multiplied in float32, so
// every processor with AVX2 reads half the bytes of float32 at the same
// arithmetic; where the processor has AVX512_BF16 (Zen 4, Cooper Lake,
// Sapphire Rapids) one instruction multiplies bfloat16 pairs and adds the
// products in float32 instead, which the memory rather than the widening
// limits. The best version is chosen at run time, with a plain loop elsewhere.
#include <torch/types.h>

namespace cradle {

// Whether few_rows_linear takes this product: CPU, no gradient wanted, x
// [..., in] with at most 4 rows, weight [out, in] contiguous, both float32 or
// both bfloat16.
bool few_rows_linear_applies(const torch::Tensor& x, const torch::Tensor& weight);

// The kernel's versions; Automatic is the best this processor runs.
// Avx512Bf16 is Avx512 for float32 weights.
enum class RowKernel { Automatic, Plain, Avx2, Avx512, Avx512Bf16 };
bool row_kernel_supported(RowKernel kernel);

// x [..., in] · weightᵀ -> [..., out] in the weight's type, accumulated in
// float32. TORCH_CHECK when the product is not one it takes or the kernel
// asked for does not run here (tests ask for each in turn).
torch::Tensor few_rows_linear(const torch::Tensor& x, const torch::Tensor& weight,
                              RowKernel kernel = RowKernel::Automatic);

// The same product for any number of rows, each row's sums taken exactly as
// few_rows_linear takes them for that row alone: a sequence's logits do not
// depend on which other sequences share a batched generation step
// (core/eval/packed_gpt_decoder.h). Slower than a blocked matrix product
// beyond a few dozen rows of a large matrix; generation's steps are not that.
bool row_independent_linear_applies(const torch::Tensor& x, const torch::Tensor& weight);
torch::Tensor row_independent_linear(const torch::Tensor& x, const torch::Tensor& weight);

// The same for a weight stored [in, out] (GPT-2's Conv1D): x [..., in] ·
// weight -> [..., out], each thread summing a block of output columns down the
// weight's rows, a tile of columns at a time in registers (Avx512Bf16 runs the
// AVX-512 version).
bool few_rows_linear_transposed_applies(const torch::Tensor& x, const torch::Tensor& weight);
torch::Tensor few_rows_linear_transposed(const torch::Tensor& x, const torch::Tensor& weight,
                                         RowKernel kernel = RowKernel::Automatic);

}  // namespace cradle
