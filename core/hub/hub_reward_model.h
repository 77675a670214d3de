#pragma once
// The reward model of the alignment recipe on a Hugging Face architecture:
// the model's layers up to its final norm, and a scalar head ("score", as
// transformers' *ForSequenceClassification names it, without bias) read at
// each text's last token. Every id of a Hub vocabulary is a token, so rows are
// right-padded with kNoToken (-1), outside it, rather than with an id the
// vocabulary gives a meaning. In a run it is the one layer "reward" of the
// Sequential every stage trains (as core/hub/pretrained_language_model.h
// holds a language model).
#include <torch/nn.h>

#include <cstdint>
#include <filesystem>
#include <memory>

#include "core/models/causal_language_model.h"

namespace cradle {

constexpr std::int64_t kNoToken = -1;

class HubRewardModelImpl : public torch::nn::Module, public CostedLayer {
 public:
  // The head starts as transformers initialises it: normal, std 0.02.
  explicit HubRewardModelImpl(std::shared_ptr<CausalLanguageModelImpl> architecture);
  // Token ids [B, T], each row right-padded with kNoToken and holding at
  // least one token → rewards [B, 1], float32 whatever the architecture's type.
  torch::Tensor forward(const torch::Tensor& input_ids);

  std::shared_ptr<CausalLanguageModelImpl> architecture() const { return architecture_; }
  // The architecture's (its output layer counted, though the head replaces it: an upper bound).
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override {
    return architecture_->cost(input_shape, output_shape);
  }
  torch::nn::Linear score{nullptr};

 private:
  std::shared_ptr<CausalLanguageModelImpl> architecture_;
};
TORCH_MODULE(HubRewardModel);

// A reward model on `architecture` (shared, not copied), in a Sequential.
torch::nn::Sequential hub_reward_sequential(std::shared_ptr<CausalLanguageModelImpl> architecture);
// The same on the model a folder holds, its head new.
torch::nn::Sequential load_hub_reward_sequential(const std::filesystem::path& folder);

// The Hub architecture a run trains: a language model's
// (pretrained_language_model) or a reward model's; null for any other model.
std::shared_ptr<CausalLanguageModelImpl> pretrained_architecture(const torch::nn::Sequential& model);

}  // namespace cradle
