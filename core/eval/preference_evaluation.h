#pragma once
// Scores a reward model on preference pairs (core/data/preference_data.h):
// the mean pairwise loss -log sigmoid(r_chosen - r_rejected), the share of
// pairs it orders right (preference accuracy), and the mean reward gap.
#include <torch/nn.h>

#include <cstdint>

#include "core/data/tensor_dataset.h"

namespace cradle {

struct PreferenceScores {
  double loss = 0, accuracy = 0, reward_gap = 0;
  double chosen_reward = 0, rejected_reward = 0;  // means
  std::int64_t pairs = 0;
};

// rewards [B, 2] (chosen, rejected) -> the mean pairwise loss.
torch::Tensor pairwise_preference_loss(const torch::Tensor& rewards);

// inputs [B, 2, T] -> rewards [B, 2].
torch::Tensor pair_rewards(torch::nn::Sequential& model, const torch::Tensor& inputs);

PreferenceScores evaluate_preferences(torch::nn::Sequential& model, const TensorDataset& pairs, std::int64_t batch_size,
                                      torch::Device device);

}  // namespace cradle
