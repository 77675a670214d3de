#pragma once
// Float32 matrix products on every intra-op thread through the BLAS LibTorch
// itself calls (libblas.so.3: OpenBLAS on Debian).
//
// Why: Cradle keeps OpenBLAS to one thread (core/train/runtime.cpp), because
// OpenBLAS's own thread pool and LibTorch's OpenMP threads take turns spinning
// on the same cores: with both at two threads a training step is no faster.
// LibTorch's float32 products therefore run on one core. Here the product is
// cut into as many blocks of rows (or columns) of the result as there are
// intra-op threads, and each OpenMP thread calls the one-threaded gemm on its
// block: the cores all work, with no second pool.
#include <cstdint>

namespace cradle {

// True where the BLAS was linked (CRADLE_WITH_BLAS); otherwise callers use ATen.
bool threaded_gemm_available();

// Row-major C[m, n] = op(A)[m, k] · op(B)[k, n], op = transpose when asked;
// lda, ldb, ldc are the row strides of A, B and C as stored. The larger of m
// and n is split across LibTorch's intra-op threads (at::parallel_for), so a
// call inside a parallel region runs on its own thread. Sizes must fit in int.
void threaded_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
                   std::int64_t lda, const float* b, std::int64_t ldb, float* c, std::int64_t ldc);

// The same product on the calling thread alone (a block of a larger parallel loop).
void single_thread_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                        const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float* c, std::int64_t ldc);

}  // namespace cradle
