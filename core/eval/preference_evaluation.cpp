#include "core/eval/preference_evaluation.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/models/evaluation_mode.h"

namespace cradle {

torch::Tensor pairwise_preference_loss(const torch::Tensor& rewards) {
  return -torch::log_sigmoid(rewards.select(1, 0) - rewards.select(1, 1)).mean();
}

torch::Tensor pair_rewards(torch::nn::Sequential& model, const torch::Tensor& inputs) {
  return model->forward(inputs.reshape({-1, inputs.size(2)})).reshape({-1, 2}).to(torch::kFloat32);
}

PreferenceScores evaluate_preferences(torch::nn::Sequential& model, const TensorDataset& pairs, std::int64_t batch_size,
                                      torch::Device device) {
  PreferenceScores scores;
  scores.pairs = pairs.size();
  if (scores.pairs == 0) return scores;
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*model);
  double loss = 0, right = 0, chosen = 0, rejected = 0;
  for (std::int64_t begin = 0; begin < scores.pairs; begin += batch_size) {
    const auto batch = pairs.slice(begin, std::min(scores.pairs, begin + batch_size));
    const auto rewards = pair_rewards(model, batch.inputs.to(device)).to(torch::kFloat64).cpu();
    const auto n = static_cast<double>(rewards.size(0));
    loss += pairwise_preference_loss(rewards).item<double>() * n;
    right += rewards.select(1, 0).gt(rewards.select(1, 1)).sum().item<double>();
    chosen += rewards.select(1, 0).sum().item<double>();
    rejected += rewards.select(1, 1).sum().item<double>();
  }
  const auto n = static_cast<double>(scores.pairs);
  scores.loss = loss / n;
  scores.accuracy = right / n;
  scores.chosen_reward = chosen / n;
  scores.rejected_reward = rejected / n;
  scores.reward_gap = (chosen - rejected) / n;
  return scores;
}

}  // namespace cradle
