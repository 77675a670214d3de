#pragma once
// The arithmetic of PPO on batches of responses, right-padded to a common
// length: tensors [B, R] with a mask [B, R] that is 1 on real response tokens.
// Formulas as in Schulman et al. 2017 and TRL's classic PPO trainer.
#include <torch/types.h>

namespace cradle {

torch::Tensor masked_mean(const torch::Tensor& values, const torch::Tensor& mask);
// The unbiased variance of the masked values.
torch::Tensor masked_variance(const torch::Tensor& values, const torch::Tensor& mask);
// Zero mean (over the masked values), unit variance; masked-out entries stay 0.
torch::Tensor masked_whiten(const torch::Tensor& values, const torch::Tensor& mask);

struct Advantages {
  torch::Tensor advantages;  // [B, R]
  torch::Tensor returns;     // advantages + values: the value head's targets
};

// Generalised advantage estimation: delta_t = r_t + gamma V_{t+1} - V_t and
// A_t = delta_t + gamma lambda A_{t+1}, with V and A zero after a response ends.
Advantages generalized_advantages(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& mask,
                                  double gamma, double lambda);

struct PolicyLoss {
  torch::Tensor loss;           // the clipped surrogate, to minimise
  torch::Tensor clip_fraction;  // share of tokens whose ratio was clipped
  torch::Tensor approx_kl;      // 0.5 * mean (log new - log old)^2, how far the update moved
};

// max(-A r, -A clip(r, 1 - eps, 1 + eps)) with r = exp(new - old), masked mean.
PolicyLoss clipped_policy_loss(const torch::Tensor& new_logprobs, const torch::Tensor& old_logprobs,
                               const torch::Tensor& advantages, const torch::Tensor& mask, double clip_range);

// 0.5 * max((V - G)^2, (clip(V, V_old - c, V_old + c) - G)^2), masked mean.
torch::Tensor clipped_value_loss(const torch::Tensor& values, const torch::Tensor& old_values,
                                 const torch::Tensor& returns, const torch::Tensor& mask, double clip_range);

// Per position: the entropy of softmax(logits) over the last dimension.
torch::Tensor entropy_from_logits(const torch::Tensor& logits);

// 1 - Var(G - V) / Var(G) over the masked entries: 1 when the values predict
// the returns, 0 when they do no better than the mean.
double explained_variance(const torch::Tensor& values, const torch::Tensor& returns, const torch::Tensor& mask);

}  // namespace cradle
