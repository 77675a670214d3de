#include "core/align/ppo_math.h"

#include <torch/torch.h>

#include <algorithm>
#include <vector>

namespace cradle {

torch::Tensor masked_mean(const torch::Tensor& values, const torch::Tensor& mask) {
  return (values * mask).sum() / mask.sum().clamp_min(1);
}

torch::Tensor masked_variance(const torch::Tensor& values, const torch::Tensor& mask) {
  const auto mean = masked_mean(values, mask);
  const auto count = mask.sum();
  const auto squares = masked_mean((values - mean).pow(2), mask);
  return squares * count / (count - 1).clamp_min(1);
}

torch::Tensor masked_whiten(const torch::Tensor& values, const torch::Tensor& mask) {
  const auto mean = masked_mean(values, mask);
  return (values - mean) * torch::rsqrt(masked_variance(values, mask) + 1e-8) * mask;
}

Advantages generalized_advantages(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& mask,
                                  double gamma, double lambda) {
  torch::NoGradGuard no_grad;
  const auto length = rewards.size(1);
  const auto masked_values = values * mask;
  const auto masked_rewards = rewards * mask;
  std::vector<torch::Tensor> reversed;
  auto running = torch::zeros({rewards.size(0)}, rewards.options());
  for (std::int64_t t = length - 1; t >= 0; --t) {
    const auto next_value = t + 1 < length ? masked_values.select(1, t + 1) : torch::zeros_like(running);
    const auto delta = masked_rewards.select(1, t) + gamma * next_value - masked_values.select(1, t);
    running = (delta + gamma * lambda * running) * mask.select(1, t);
    reversed.push_back(running);
  }
  std::reverse(reversed.begin(), reversed.end());
  const auto advantages = torch::stack(reversed, 1);
  return {advantages, advantages + masked_values};
}

PolicyLoss clipped_policy_loss(const torch::Tensor& new_logprobs, const torch::Tensor& old_logprobs,
                               const torch::Tensor& advantages, const torch::Tensor& mask, double clip_range) {
  const auto log_ratio = new_logprobs - old_logprobs;
  const auto ratio = torch::exp(log_ratio);
  const auto unclipped = -advantages * ratio;
  const auto clipped = -advantages * torch::clamp(ratio, 1.0 - clip_range, 1.0 + clip_range);
  PolicyLoss out;
  out.loss = masked_mean(torch::max(unclipped, clipped), mask);
  torch::NoGradGuard no_grad;
  out.clip_fraction = masked_mean(clipped.gt(unclipped).to(new_logprobs.scalar_type()), mask);
  out.approx_kl = 0.5 * masked_mean(log_ratio.pow(2), mask);
  return out;
}

torch::Tensor clipped_value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                                 const torch::Tensor& returns, const torch::Tensor& mask, double clip_range) {
  const auto clipped = old_values + torch::clamp(values - old_values, -clip_range, clip_range);
  return 0.5 * masked_mean(torch::max((values - returns).pow(2), (clipped - returns).pow(2)), mask);
}

torch::Tensor entropy_from_logits(const torch::Tensor& logits) {
  const auto log_p = torch::log_softmax(logits, -1);
  return -(log_p.exp() * log_p).sum(-1);
}

double explained_variance(const torch::Tensor& values, const torch::Tensor& returns, const torch::Tensor& mask) {
  torch::NoGradGuard no_grad;
  const double variance = masked_variance(returns, mask).item<double>();
  if (variance <= 0) return 0;
  return 1.0 - masked_variance(returns - values, mask).item<double>() / variance;
}

}  // namespace cradle
