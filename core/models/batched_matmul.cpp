#include "core/models/batched_matmul.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include "core/models/threaded_gemm.h"

namespace cradle {
namespace {

// out[i] = op(a[i]) x op(b[i]) for contiguous float32 stacks, row-major. Each
// matrix is cut into row blocks so that the blocks share out evenly among the
// threads (three matrices on two threads would leave one idle a third of the time).
torch::Tensor gemm_stack(const torch::Tensor& a, bool transpose_a, const torch::Tensor& b, bool transpose_b) {
  const std::int64_t n = a.size(0);
  const std::int64_t m = transpose_a ? a.size(2) : a.size(1), k = transpose_a ? a.size(1) : a.size(2);
  const std::int64_t p = transpose_b ? b.size(1) : b.size(2);
  auto out = torch::empty({n, m, p}, a.options());
  const float* a_data = a.data_ptr<float>();
  const float* b_data = b.data_ptr<float>();
  float* out_data = out.data_ptr<float>();
  const std::int64_t a_stride = a.size(1) * a.size(2), b_stride = b.size(1) * b.size(2), out_stride = m * p;
  const std::int64_t lda = a.size(2), ldb = b.size(2);
  const std::int64_t threads = at::in_parallel_region() ? 1 : at::get_num_threads();
  const std::int64_t pieces = (n % threads == 0 || m < 2 * threads) ? 1 : threads;
  const std::int64_t piece_rows = (m + pieces - 1) / pieces;
  at::parallel_for(0, n * pieces, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t unit = begin; unit < end; ++unit) {
      const std::int64_t i = unit / pieces, first = (unit % pieces) * piece_rows;
      const std::int64_t rows = std::min(piece_rows, m - first);
      if (rows <= 0) continue;
      const float* a_block = a_data + i * a_stride + (transpose_a ? first : first * lda);
      single_thread_gemm(transpose_a, transpose_b, rows, p, k, a_block, lda, b_data + i * b_stride, ldb,
                         out_data + i * out_stride + first * p, p);
    }
  });
  return out;
}

class BatchedMatmulFunction : public torch::autograd::Function<BatchedMatmulFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b,
                               bool transpose_b) {
    const auto a_c = a.contiguous(), b_c = b.contiguous();
    ctx->save_for_backward({a_c, b_c});
    ctx->saved_data["transpose_b"] = transpose_b;
    return gemm_stack(a_c, false, b_c, transpose_b);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto grad = grad_outputs[0].contiguous();
    const bool transpose_b = ctx->saved_data["transpose_b"].toBool();
    torch::Tensor grad_a, grad_b;
    // C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC. C = A·Bᵀ: dA = dC·B, dB = dCᵀ·A.
    if (ctx->needs_input_grad(0)) grad_a = gemm_stack(grad, false, saved[1], !transpose_b);
    if (ctx->needs_input_grad(1))
      grad_b = transpose_b ? gemm_stack(grad, true, saved[0], false) : gemm_stack(saved[0], true, grad, false);
    return {grad_a, grad_b, torch::Tensor()};
  }
};

bool takes_blas(const torch::Tensor& a, const torch::Tensor& b) {
  const bool fast = threaded_gemm_available() && a.device().is_cpu() && a.scalar_type() == torch::kFloat32 &&
                    b.scalar_type() == torch::kFloat32 && a.dim() == 3 && b.dim() == 3 &&
                    !at::autocast::is_cpu_enabled();
  // Sizes past int (BLAS's index type) go to ATen.
  return fast && a.size(1) * a.size(2) < (1ll << 31) && b.size(1) * b.size(2) < (1ll << 31);
}

}  // namespace

torch::Tensor batched_matmul(const torch::Tensor& a, const torch::Tensor& b) {
  if (!takes_blas(a, b)) return torch::matmul(a, b);
  return BatchedMatmulFunction::apply(a, b, false);
}

torch::Tensor batched_matmul_transposed(const torch::Tensor& a, const torch::Tensor& b) {
  if (!takes_blas(a, b)) return torch::matmul(a, b.transpose(-2, -1));
  return BatchedMatmulFunction::apply(a, b, true);
}

}  // namespace cradle
