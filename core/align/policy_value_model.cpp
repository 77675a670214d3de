#include "core/align/policy_value_model.h"

#include <torch/torch.h>

#include "core/hub/pretrained_language_model.h"

namespace cradle {

namespace {

std::int64_t value_head_width(const torch::nn::Sequential& lm, std::int64_t width) {
  const auto architecture = pretrained_language_model(lm);
  return architecture ? architecture->config().hidden_size : width;
}

}  // namespace

PolicyValueModelImpl::PolicyValueModelImpl(torch::nn::Sequential lm, std::int64_t width)
    : language_model(register_module("language_model", lm)),
      value_head(register_module("value_head", torch::nn::Linear(value_head_width(lm, width), 1))),
      architecture_(pretrained_language_model(lm)) {
  // A value head that starts near 0 predicts no return either way; large
  // random values would make the first advantages noise.
  torch::NoGradGuard no_grad;
  value_head->weight.normal_(0.0, 0.01);
  value_head->bias.zero_();
}

PolicyValueOutput PolicyValueModelImpl::forward(const torch::Tensor& tokens) {
  if (architecture_) {
    const auto [logits, hidden] = architecture_->logits_and_hidden_states(tokens);
    return {logits, value_head->forward(hidden.to(torch::kFloat32)).squeeze(-1)};
  }
  // Every layer but the last gives the hidden states; the last turns them into logits.
  torch::Tensor hidden = tokens, logits;
  const auto layers = language_model->size();
  std::size_t index = 0;
  for (auto& layer : *language_model) {
    if (++index == layers)
      logits = layer.forward(hidden);
    else
      hidden = layer.forward(hidden);
  }
  return {logits, value_head->forward(hidden.to(torch::kFloat32)).squeeze(-1)};
}

}  // namespace cradle
