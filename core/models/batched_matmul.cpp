#include "core/models/batched_matmul.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#ifdef CRADLE_WITH_BLAS
// The Fortran BLAS entry point, from the same libblas.so.3 (OpenBLAS) LibTorch calls.
extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                       const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                       const float* beta, float* c, const int* ldc);
#endif

namespace cradle {
namespace {

#ifdef CRADLE_WITH_BLAS

// out[i] = op(a[i]) x op(b[i]) for contiguous float32 stacks, row-major. BLAS is
// column-major: a row-major C = A B is the column-major C^T = B^T A^T.
torch::Tensor gemm_stack(const torch::Tensor& a, bool transpose_a, const torch::Tensor& b, bool transpose_b) {
  const std::int64_t n = a.size(0);
  const std::int64_t m = transpose_a ? a.size(2) : a.size(1), k = transpose_a ? a.size(1) : a.size(2);
  const std::int64_t p = transpose_b ? b.size(1) : b.size(2);
  auto out = torch::empty({n, m, p}, a.options());
  const float* a_data = a.data_ptr<float>();
  const float* b_data = b.data_ptr<float>();
  float* out_data = out.data_ptr<float>();
  const std::int64_t a_stride = a.size(1) * a.size(2), b_stride = b.size(1) * b.size(2), out_stride = m * p;
  const int rows = static_cast<int>(p), columns = static_cast<int>(m), inner = static_cast<int>(k);
  const int lda = static_cast<int>(a.size(2)), ldb = static_cast<int>(b.size(2)), ldc = static_cast<int>(p);
  const char op_a = transpose_a ? 'T' : 'N', op_b = transpose_b ? 'T' : 'N';
  const float one = 1, zero = 0;
  at::parallel_for(0, n, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      sgemm_(&op_b, &op_a, &rows, &columns, &inner, &one, b_data + i * b_stride, &ldb, a_data + i * a_stride, &lda,
             &zero, out_data + i * out_stride, &ldc);
  });
  return out;
}

class BatchedMatmulFunction : public torch::autograd::Function<BatchedMatmulFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b) {
    const auto a_c = a.contiguous(), b_c = b.contiguous();
    ctx->save_for_backward({a_c, b_c});
    return gemm_stack(a_c, false, b_c, false);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto grad = grad_outputs[0].contiguous();
    return {gemm_stack(grad, false, saved[1], true), gemm_stack(saved[0], true, grad, false)};
  }
};

#endif

}  // namespace

torch::Tensor batched_matmul(const torch::Tensor& a, const torch::Tensor& b) {
#ifndef CRADLE_WITH_BLAS
  return torch::matmul(a, b);
#else
  const bool fast = a.device().is_cpu() && a.scalar_type() == torch::kFloat32 && b.scalar_type() == torch::kFloat32 &&
                    a.dim() == 3 && b.dim() == 3 && !at::autocast::is_cpu_enabled();
  // Sizes past int (BLAS's index type) go to ATen.
  const bool small = a.size(1) * a.size(2) < (1ll << 31) && b.size(1) * b.size(2) < (1ll << 31);
  if (!fast || !small) return torch::matmul(a, b);
  return BatchedMatmulFunction::apply(a, b);
#endif
}

}  // namespace cradle
