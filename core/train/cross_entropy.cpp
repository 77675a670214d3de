#include "core/train/cross_entropy.h"

#include <torch/torch.h>

namespace cradle {
namespace {

class CrossEntropyFunction : public torch::autograd::Function<CrossEntropyFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& targets, double smoothing) {
    const auto log_normaliser = logits.logsumexp(1, /*keepdim=*/true);  // [N, 1]
    auto loss = log_normaliser - logits.gather(1, targets.unsqueeze(1)) * (1 - smoothing);
    if (smoothing > 0) loss = loss - logits.mean(1, /*keepdim=*/true) * smoothing;
    ctx->save_for_backward({logits, log_normaliser, targets});
    ctx->saved_data["smoothing"] = smoothing;
    return loss.mean();
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto& logits = saved[0];
    const auto& targets = saved[2];
    const double smoothing = ctx->saved_data["smoothing"].toDouble();
    const std::int64_t rows = logits.size(0), classes = logits.size(1);
    auto grad = (logits - saved[1]).exp_();  // the softmax
    if (smoothing > 0) grad.sub_(smoothing / static_cast<double>(classes));
    grad.scatter_add_(1, targets.unsqueeze(1), torch::full({rows, 1}, smoothing - 1, grad.options()));
    grad.mul_(grad_outputs[0] / static_cast<double>(rows));
    return {grad, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor softmax_cross_entropy(const torch::Tensor& logits, const torch::Tensor& targets, double label_smoothing) {
  return CrossEntropyFunction::apply(logits, targets, label_smoothing);
}

}  // namespace cradle
