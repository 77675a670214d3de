#pragma once
// Scores a model on preference pairs (core/data/preference_data.h): the mean
// pairwise loss, the share of pairs it orders right (preference accuracy) and
// the mean reward gap. What a pair's "reward" is depends on the stage: a
// reward model reads it from its head; DPO uses the implicit reward
// beta * (log pi(y) - log pi_ref(y)) (core/align/direct_preference.h).
#include <torch/nn.h>

#include <cstdint>
#include <optional>

#include "core/data/tensor_dataset.h"

namespace cradle {

struct PreferenceScores {
  double loss = 0, accuracy = 0, reward_gap = 0;
  double chosen_reward = 0, rejected_reward = 0;           // means
  std::optional<double> chosen_logprob, rejected_logprob;  // DPO: the policy's mean log-probability of each reply
  std::int64_t pairs = 0;
};

// The pairwise loss -(1-s) log sigmoid(d - m) - s log sigmoid(m - d) with d =
// r_chosen - r_rejected, margin m (reward models) and label smoothing s (DPO).
struct PreferenceLoss {
  double margin = 0;
  double label_smoothing = 0;
};

// rewards [B, 2] (chosen, rejected) -> the mean pairwise loss.
torch::Tensor pairwise_preference_loss(const torch::Tensor& rewards, const PreferenceLoss& options = {});

struct PairScores {
  torch::Tensor rewards;   // [B, 2], chosen then rejected
  torch::Tensor logprobs;  // [B, 2] summed over each reply's tokens; undefined for reward models
};

// How a model scores a batch of pairs (inputs and targets as its dataset holds them).
class PairScorer {
 public:
  virtual ~PairScorer() = default;
  virtual PairScores score(torch::nn::Sequential& model, const torch::Tensor& inputs,
                           const torch::Tensor& targets) const = 0;
  virtual PreferenceLoss loss_options() const = 0;
};

// A reward model: inputs [B, 2, T] -> its head's rewards.
class RewardHeadScorer : public PairScorer {
 public:
  explicit RewardHeadScorer(double margin = 0) : margin_(margin) {}
  PairScores score(torch::nn::Sequential& model, const torch::Tensor& inputs,
                   const torch::Tensor& targets) const override;
  PreferenceLoss loss_options() const override { return {margin_, 0}; }

 private:
  double margin_;
};

// inputs [B, 2, T] -> rewards [B, 2] from a reward model's head.
torch::Tensor pair_rewards(torch::nn::Sequential& model, const torch::Tensor& inputs);

PreferenceScores evaluate_preferences(const PairScorer& scorer, torch::nn::Sequential& model,
                                      const TensorDataset& pairs, std::int64_t batch_size, torch::Device device);

}  // namespace cradle
