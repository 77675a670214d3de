#pragma once
// PPO's trainable model: the language model being tuned (the policy: a GPT,
// or a Hugging Face model read from its folder, with or without LoRA
// adapters) and a value head on its last hidden states, sharing the trunk as
// in TRL's AutoModelForCausalLMWithValueHead. The language model keeps its
// layer names, so its weights load from and save to plain language-model files.
#include <torch/nn.h>

#include <cstdint>
#include <memory>

#include "core/models/causal_language_model.h"

namespace cradle {

struct PolicyValueOutput {
  torch::Tensor logits;  // [B, T, vocab]
  torch::Tensor values;  // [B, T]: the expected return from each position on
};

class PolicyValueModelImpl : public torch::nn::Module {
 public:
  // `language_model` is a GPT Sequential whose last layer maps hidden states
  // of `width` to logits, or a model folder's (core/hub/pretrained_language_model.h),
  // whose width is its config's hidden_size.
  PolicyValueModelImpl(torch::nn::Sequential language_model, std::int64_t width);
  PolicyValueOutput forward(const torch::Tensor& tokens);

  torch::nn::Sequential language_model{nullptr};
  torch::nn::Linear value_head{nullptr};

 private:
  std::shared_ptr<CausalLanguageModelImpl> architecture_;  // a model folder's; null for a GPT
};
TORCH_MODULE(PolicyValueModel);

}  // namespace cradle
