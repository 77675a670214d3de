#include "core/models/threaded_linear.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include "core/models/few_rows_linear.h"
#include "core/models/threaded_gemm.h"

namespace cradle {
namespace {

// [..., in] as a contiguous [rows, in] matrix.
torch::Tensor as_rows(const torch::Tensor& x) { return x.reshape({-1, x.size(-1)}).contiguous(); }

class ThreadedLinearFunction : public torch::autograd::Function<ThreadedLinearFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias, bool has_bias,
                               bool weight_transposed) {
    const auto rows = as_rows(x), w = weight.contiguous();
    const std::int64_t m = rows.size(0), in = rows.size(1), out = weight_transposed ? w.size(1) : w.size(0);
    auto y = torch::empty({m, out}, rows.options());
    // y = x·Wᵀ, or x·W for a weight stored [in, out].
    threaded_gemm(false, !weight_transposed, m, out, in, rows.data_ptr<float>(), in, w.data_ptr<float>(),
                  weight_transposed ? out : in, y.data_ptr<float>(), out);
    if (has_bias) y.add_(bias);
    ctx->save_for_backward({rows, w});
    ctx->saved_data["transposed"] = weight_transposed;
    ctx->saved_data["has_bias"] = has_bias;
    auto shape = x.sizes().vec();
    shape.back() = out;
    return y.view(shape);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto& rows = saved[0];
    const auto& w = saved[1];
    const bool transposed = ctx->saved_data["transposed"].toBool();
    const std::int64_t m = rows.size(0), in = rows.size(1), out = transposed ? w.size(1) : w.size(0);
    const auto grad = grad_outputs[0].reshape({m, out}).contiguous();
    torch::Tensor grad_x, grad_w, grad_b;
    if (ctx->needs_input_grad(0)) {
      // dx = dy·W ([m, out]·[out, in]), or dy·Wᵀ for a weight stored [in, out].
      grad_x = torch::empty({m, in}, grad.options());
      threaded_gemm(false, transposed, m, in, out, grad.data_ptr<float>(), out, w.data_ptr<float>(),
                    transposed ? out : in, grad_x.data_ptr<float>(), in);
      auto shape = grad_outputs[0].sizes().vec();
      shape.back() = in;
      grad_x = grad_x.view(shape);
    }
    if (ctx->needs_input_grad(1)) {
      // dW = dyᵀ·x [out, in], or xᵀ·dy [in, out]: the sum over the m rows.
      if (transposed) {
        grad_w = torch::empty({in, out}, grad.options());
        threaded_gemm(true, false, in, out, m, rows.data_ptr<float>(), in, grad.data_ptr<float>(), out,
                      grad_w.data_ptr<float>(), out);
      } else {
        grad_w = torch::empty({out, in}, grad.options());
        threaded_gemm(true, false, out, in, m, grad.data_ptr<float>(), out, rows.data_ptr<float>(), in,
                      grad_w.data_ptr<float>(), in);
      }
    }
    if (ctx->saved_data["has_bias"].toBool() && ctx->needs_input_grad(2)) grad_b = grad.sum(0);
    return {grad_x, grad_w, grad_b, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor threaded_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                              bool weight_transposed, bool evaluating) {
  // Generation's single row: a memory-bound product with a kernel of its own (float32 or bfloat16).
  const bool bias_frozen = !bias.defined() || !bias.requires_grad() || !torch::GradMode::is_enabled();
  if (evaluating && bias_frozen &&
      (weight_transposed ? few_rows_linear_transposed_applies(x, weight) : few_rows_linear_applies(x, weight))) {
    auto y = weight_transposed ? few_rows_linear_transposed(x, weight) : few_rows_linear(x, weight);
    return bias.defined() ? y.add_(bias) : y;
  }
  const auto is_float_cpu = [](const torch::Tensor& t) {
    return !t.defined() || (t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && !t.is_sparse());
  };
  const bool threaded = threaded_gemm_available() && x.dim() >= 1 && is_float_cpu(x) && is_float_cpu(weight) &&
                        is_float_cpu(bias) && !at::autocast::is_cpu_enabled() && x.numel() > 0;
  if (!threaded) {
    if (!weight_transposed) return torch::nn::functional::linear(x, weight, bias);
    const auto y = torch::matmul(x, weight);
    return bias.defined() ? y + bias : y;
  }
  TORCH_CHECK(weight.dim() == 2 && x.size(-1) == (weight_transposed ? weight.size(0) : weight.size(1)),
              "threaded_linear: input of width ", x.size(-1), " against a weight of shape ", weight.sizes(),
              weight_transposed ? " stored [in, out]" : " stored [out, in]");
  // LibTorch 1.13's custom functions take no undefined tensor: an absent bias is an empty one.
  return ThreadedLinearFunction::apply(x, weight, bias.defined() ? bias : torch::empty({0}, weight.options()),
                                       bias.defined(), weight_transposed);
}

}  // namespace cradle
