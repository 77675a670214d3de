#include "core/align/direct_preference.h"

#include <torch/torch.h>

#include "core/models/evaluation_mode.h"
#include "core/models/lora.h"
#include "core/train/prediction_units.h"

namespace cradle {

torch::Tensor sequence_logprobs(torch::nn::Sequential& model, const torch::Tensor& inputs,
                                const torch::Tensor& targets) {
  const auto logits = model->forward(inputs).to(torch::kFloat32);  // [M, T, V]
  const auto scored = targets.ne(kIgnoredTarget);
  const auto safe_targets = targets.masked_fill(scored.logical_not(), 0);
  const auto token_logprobs = torch::log_softmax(logits, -1).gather(2, safe_targets.unsqueeze(2)).squeeze(2);
  return token_logprobs.masked_fill(scored.logical_not(), 0).sum(1);
}

DirectPreferenceScorer::DirectPreferenceScorer(torch::nn::Sequential reference, double beta, double label_smoothing)
    : reference_(std::move(reference)), beta_(beta), label_smoothing_(label_smoothing) {
  if (!reference_) return;
  reference_->eval();
  for (auto& p : reference_->parameters()) p.set_requires_grad(false);
}

DirectPreferenceScorer DirectPreferenceScorer::with_adapters_off(double beta, double label_smoothing) {
  return DirectPreferenceScorer(torch::nn::Sequential(nullptr), beta, label_smoothing);
}

torch::Tensor DirectPreferenceScorer::reference_logprobs(torch::nn::Sequential& policy, const torch::Tensor& inputs,
                                                         const torch::Tensor& targets) const {
  torch::NoGradGuard no_grad;
  if (reference_) {
    auto reference = reference_;  // a handle to the same module: scoring does not change it
    return sequence_logprobs(reference, inputs, targets);
  }
  // As a separate reference would be: frozen, in evaluation mode (no adapter dropout).
  const EvaluationMode evaluation(*policy);
  const AdaptersSwitchedOff base_only(*policy);
  return sequence_logprobs(policy, inputs, targets);
}

PairScores DirectPreferenceScorer::score(torch::nn::Sequential& policy, const torch::Tensor& inputs,
                                         const torch::Tensor& targets) const {
  const auto T = inputs.size(2);
  const auto flat_inputs = inputs.reshape({-1, T}), flat_targets = targets.reshape({-1, T});
  const auto logprobs = sequence_logprobs(policy, flat_inputs, flat_targets).reshape({-1, 2});
  const auto reference = reference_logprobs(policy, flat_inputs, flat_targets).reshape({-1, 2});
  return {beta_ * (logprobs - reference), logprobs.detach()};
}

}  // namespace cradle
