#include "core/models/threaded_gemm.h"

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <limits>

#ifdef CRADLE_WITH_BLAS
// The Fortran BLAS entry point, from the same libblas.so.3 (OpenBLAS) LibTorch calls.
extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                       const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                       const float* beta, float* c, const int* ldc);
#endif

namespace cradle {
namespace {

// Below this many multiply-adds a block's fixed costs outweigh a second thread.
constexpr std::int64_t kMinimumWorkPerThread = 1 << 17;

int blas_int(std::int64_t value, const char* what) {
  TORCH_CHECK(value >= 0 && value <= std::numeric_limits<int>::max(), "threaded_gemm: ", what, " = ", value,
              " does not fit the BLAS's int");
  return static_cast<int>(value);
}

}  // namespace

bool threaded_gemm_available() {
#ifdef CRADLE_WITH_BLAS
  return true;
#else
  return false;
#endif
}

void single_thread_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                        const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float* c,
                        std::int64_t ldc) {
#ifdef CRADLE_WITH_BLAS
  if (m == 0 || n == 0) return;
  // BLAS is column-major: the row-major C = op(A) op(B) is the column-major Cᵀ = op(B)ᵀ op(A)ᵀ.
  const int rows = blas_int(n, "n"), columns = blas_int(m, "m"), inner = blas_int(k, "k");
  const int lda_ = blas_int(lda, "lda"), ldb_ = blas_int(ldb, "ldb"), ldc_ = blas_int(ldc, "ldc");
  const char op_a = transpose_a ? 'T' : 'N', op_b = transpose_b ? 'T' : 'N';
  const float one = 1, zero = 0;
  sgemm_(&op_b, &op_a, &rows, &columns, &inner, &one, b, &ldb_, a, &lda_, &zero, c, &ldc_);
#else
  (void)transpose_a, (void)transpose_b, (void)m, (void)n, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)c,
      (void)ldc;
  TORCH_CHECK(false, "threaded_gemm: Cradle was built without a BLAS");
#endif
}

void threaded_gemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
                   std::int64_t lda, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
  const std::int64_t work = m * n * std::max<std::int64_t>(k, 1);
  const std::int64_t threads =
      std::min<std::int64_t>(at::in_parallel_region() ? 1 : at::get_num_threads(), work / kMinimumWorkPerThread);
  if (threads <= 1) return single_thread_gemm(transpose_a, transpose_b, m, n, k, a, lda, b, ldb, c, ldc);
  // Blocks of the longer side, one per thread; a block's start moves the pointers
  // of the operand that side comes from and of C.
  const bool split_rows = m >= n;
  const std::int64_t length = split_rows ? m : n;
  const std::int64_t block = (length + threads - 1) / threads;
  at::parallel_for(0, threads, 1, [&](std::int64_t first_block, std::int64_t end_block) {
    for (std::int64_t i = first_block; i < end_block; ++i) {
      const std::int64_t begin = i * block, size = std::min(block, length - begin);
      if (size <= 0) continue;
      if (split_rows)
        single_thread_gemm(transpose_a, transpose_b, size, n, k, a + (transpose_a ? begin : begin * lda), lda, b, ldb,
                           c + begin * ldc, ldc);
      else
        single_thread_gemm(transpose_a, transpose_b, m, size, k, a, lda, b + (transpose_b ? begin * ldb : begin), ldb,
                           c + begin, ldc);
    }
  });
}

}  // namespace cradle
