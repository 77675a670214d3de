#include "core/eval/preference_evaluation.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/models/evaluation_mode.h"

namespace cradle {

torch::Tensor pairwise_preference_loss(const torch::Tensor& rewards, const PreferenceLoss& options) {
  const auto d = rewards.select(1, 0) - rewards.select(1, 1) - options.margin;
  auto loss = -torch::log_sigmoid(d);
  if (options.label_smoothing > 0)
    loss = (1 - options.label_smoothing) * loss - options.label_smoothing * torch::log_sigmoid(-d);
  return loss.mean();
}

torch::Tensor pair_rewards(torch::nn::Sequential& model, const torch::Tensor& inputs) {
  return model->forward(inputs.reshape({-1, inputs.size(2)})).reshape({-1, 2}).to(torch::kFloat32);
}

PairScores RewardHeadScorer::score(torch::nn::Sequential& model, const torch::Tensor& inputs,
                                   const torch::Tensor&) const {
  return {pair_rewards(model, inputs), torch::Tensor()};
}

PreferenceScores evaluate_preferences(const PairScorer& scorer, torch::nn::Sequential& model,
                                      const TensorDataset& pairs, std::int64_t batch_size, torch::Device device) {
  PreferenceScores scores;
  scores.pairs = pairs.size();
  if (scores.pairs == 0) return scores;
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*model);
  double loss = 0, right = 0, chosen = 0, rejected = 0, chosen_logprob = 0, rejected_logprob = 0;
  bool has_logprobs = false;
  for (std::int64_t begin = 0; begin < scores.pairs; begin += batch_size) {
    const auto batch = pairs.slice(begin, std::min(scores.pairs, begin + batch_size));
    const auto scored = scorer.score(model, batch.inputs.to(device), batch.targets.to(device));
    const auto rewards = scored.rewards.to(torch::kFloat64).cpu();
    const auto n = static_cast<double>(rewards.size(0));
    loss += pairwise_preference_loss(rewards, scorer.loss_options()).item<double>() * n;
    right += rewards.select(1, 0).gt(rewards.select(1, 1)).sum().item<double>();
    chosen += rewards.select(1, 0).sum().item<double>();
    rejected += rewards.select(1, 1).sum().item<double>();
    if (scored.logprobs.defined()) {
      has_logprobs = true;
      const auto logprobs = scored.logprobs.to(torch::kFloat64).cpu();
      chosen_logprob += logprobs.select(1, 0).sum().item<double>();
      rejected_logprob += logprobs.select(1, 1).sum().item<double>();
    }
  }
  const auto n = static_cast<double>(scores.pairs);
  scores.loss = loss / n;
  scores.accuracy = right / n;
  scores.chosen_reward = chosen / n;
  scores.rejected_reward = rejected / n;
  scores.reward_gap = (chosen - rejected) / n;
  if (has_logprobs) {
    scores.chosen_logprob = chosen_logprob / n;
    scores.rejected_logprob = rejected_logprob / n;
  }
  return scores;
}

}  // namespace cradle
