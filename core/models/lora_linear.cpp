#include "core/models/lora_linear.h"

#include <algorithm>
#include <cmath>

#include "core/models/fast_dropout.h"
#include "core/models/threaded_linear.h"

namespace cradle {

LoraLinearImpl::LoraLinearImpl(std::int64_t in, std::int64_t out, bool has_bias, bool transposed)
    : in_(in), out_(out), transposed_(transposed) {
  torch::NoGradGuard no_grad;
  if (transposed) {
    weight = register_parameter("weight", torch::randn({in, out}) * 0.02);
    if (has_bias) bias = register_parameter("bias", torch::zeros({out}));
    return;
  }
  weight = register_parameter("weight", torch::empty({out, in}));
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (has_bias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    bias = register_parameter("bias", torch::empty({out}).uniform_(-bound, bound));
  }
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& x) {
  const auto y = threaded_linear(x, weight, bias, transposed_, !is_training());
  if (!has_adapter() || !adapter_enabled_) return y;
  // The adapter may be kept in float32 over a bfloat16 base (core/models/lora.h, keep_adapters_in_float32).
  const auto own = x.to(lora_A->weight.scalar_type());
  const auto dropped = fast_dropout(own, options_.dropout, is_training());
  const auto down = threaded_linear(dropped, lora_A->weight, {}, false, !is_training());
  const auto adapter = threaded_linear(down, lora_B->weight, {}, false, !is_training());
  return y + (adapter * options_.scaling()).to(y.scalar_type());
}

void LoraLinearImpl::attach_adapter(const LoraOptions& options) {
  TORCH_CHECK(!has_adapter(), "LoraLinear: the projection already has an adapter");
  TORCH_CHECK(options.rank >= 1 && options.rank <= std::min(in_, out_), "LoRA rank ", options.rank, " is outside [1, ",
              std::min(in_, out_), "] for a projection of ", in_, " → ", out_);
  options_ = options;
  lora_A = register_module("lora_A", torch::nn::Linear(torch::nn::LinearOptions(in_, options.rank).bias(false)));
  lora_B = register_module("lora_B", torch::nn::Linear(torch::nn::LinearOptions(options.rank, out_).bias(false)));
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(lora_A->weight, std::sqrt(5.0));
  lora_B->weight.zero_();
  lora_A->to(weight.device(), weight.scalar_type());
  lora_B->to(weight.device(), weight.scalar_type());
  adapter_enabled_ = true;
}

torch::Tensor LoraLinearImpl::adapter_delta() const {
  TORCH_CHECK(has_adapter(), "LoraLinear: no adapter to fold");
  const auto delta =
      torch::matmul(lora_B->weight.to(torch::kFloat32), lora_A->weight.to(torch::kFloat32)) * options_.scaling();
  return transposed_ ? delta.t() : delta;  // peft's fan_in_fan_out
}

void LoraLinearImpl::merge_adapter() {
  const auto delta = adapter_delta();
  {
    torch::NoGradGuard no_grad;
    weight.copy_((weight.to(torch::kFloat32) + delta).to(weight.scalar_type()));
  }
  unregister_module("lora_A");
  unregister_module("lora_B");
  lora_A = torch::nn::Linear{nullptr};
  lora_B = torch::nn::Linear{nullptr};
}

}  // namespace cradle
