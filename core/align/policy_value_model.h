#pragma once
// PPO's trainable model: the GPT language model being tuned (the policy) and
// a value head on its last hidden states, sharing the trunk as in TRL's
// AutoModelForCausalLMWithValueHead. The language model keeps its layer
// names, so its weights load from and save to plain language-model files.
#include <torch/nn.h>

#include <cstdint>

namespace cradle {

struct PolicyValueOutput {
  torch::Tensor logits;  // [B, T, vocab]
  torch::Tensor values;  // [B, T]: the expected return from each position on
};

class PolicyValueModelImpl : public torch::nn::Module {
 public:
  // `language_model` is a GPT Sequential whose last layer maps hidden states to logits.
  PolicyValueModelImpl(torch::nn::Sequential language_model, std::int64_t width);
  PolicyValueOutput forward(const torch::Tensor& tokens);

  torch::nn::Sequential language_model{nullptr};
  torch::nn::Linear value_head{nullptr};
};
TORCH_MODULE(PolicyValueModel);

}  // namespace cradle
