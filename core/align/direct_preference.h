#pragma once
// Direct preference optimisation (Rafailov et al. 2023): the policy itself is
// the reward model. A reply's implicit reward is beta * (log pi(y|x) -
// log pi_ref(y|x)), summed over the reply's tokens, against a frozen copy of
// the model it started from; the pairwise loss on these rewards raises the
// chosen reply's likelihood relative to the rejected one's without drifting
// far from the reference. Under LoRA the reference is the policy itself with
// its adapters switched off: the frozen base, with no second copy of the model.
#include <torch/nn.h>

#include "core/eval/preference_evaluation.h"

namespace cradle {

// inputs [M, T] token ids, targets [M, T] the next tokens with
// kIgnoredTarget outside the scored reply -> [M] summed log-probabilities
// (float32), differentiable through `model`.
torch::Tensor sequence_logprobs(torch::nn::Sequential& model, const torch::Tensor& inputs,
                                const torch::Tensor& targets);

class DirectPreferenceScorer : public PairScorer {
 public:
  // `reference` is frozen here (no gradients, evaluation mode).
  DirectPreferenceScorer(torch::nn::Sequential reference, double beta, double label_smoothing);
  // The reference is the policy scored with its LoRA adapters off (core/models/lora.h).
  static DirectPreferenceScorer with_adapters_off(double beta, double label_smoothing);
  // inputs, targets [B, 2, T] (core/data/preference_data.h's sequence layout).
  PairScores score(torch::nn::Sequential& policy, const torch::Tensor& inputs,
                   const torch::Tensor& targets) const override;
  PreferenceLoss loss_options() const override { return {0, label_smoothing_}; }

 private:
  // The reference's summed log-probabilities, without gradients.
  torch::Tensor reference_logprobs(torch::nn::Sequential& policy, const torch::Tensor& inputs,
                                   const torch::Tensor& targets) const;

  torch::nn::Sequential reference_;  // empty: the policy with its adapters off
  double beta_, label_smoothing_;
};

}  // namespace cradle
