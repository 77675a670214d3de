#include "core/hub/hub_reward_model.h"

#include <torch/torch.h>

#include "core/hub/pretrained_language_model.h"

namespace cradle {
namespace {
constexpr const char* kRewardLayer = "reward";
}  // namespace

HubRewardModelImpl::HubRewardModelImpl(std::shared_ptr<CausalLanguageModelImpl> architecture)
    : architecture_(register_module("architecture", std::move(architecture))) {
  const auto hidden = architecture_->config().hidden_size;
  score = register_module("score", torch::nn::Linear(torch::nn::LinearOptions(hidden, 1).bias(false)));
  torch::NoGradGuard no_grad;
  score->weight.normal_(0, 0.02);
}

torch::Tensor HubRewardModelImpl::forward(const torch::Tensor& input_ids) {
  TORCH_CHECK(input_ids.dim() == 2, "HubRewardModel: token ids [B, T] expected, got ", input_ids.sizes());
  const auto is_token = input_ids.ne(kNoToken);
  const auto last = is_token.sum(1) - 1;  // right-padded: the last token's position
  TORCH_CHECK(last.min().item<std::int64_t>() >= 0, "HubRewardModel: a row holds no token");
  // Padding reads as id 0; causal attention keeps it from the positions before it.
  const auto hidden = architecture_->hidden_states(input_ids.masked_fill(is_token.logical_not(), 0));
  const auto at_last = hidden.gather(1, last.view({-1, 1, 1}).expand({-1, 1, hidden.size(2)})).squeeze(1);
  return score(at_last.to(score->weight.scalar_type()));
}

torch::nn::Sequential hub_reward_sequential(std::shared_ptr<CausalLanguageModelImpl> architecture) {
  torch::nn::Sequential model;
  model->push_back(kRewardLayer, HubRewardModel(std::move(architecture)));
  return model;
}

torch::nn::Sequential load_hub_reward_sequential(const std::filesystem::path& folder) {
  return hub_reward_sequential(load_hub_model(folder).model);
}

std::shared_ptr<CausalLanguageModelImpl> pretrained_architecture(const torch::nn::Sequential& model) {
  if (auto language_model = pretrained_language_model(model)) return language_model;
  if (!model || model->size() != 1) return nullptr;
  const auto children = model->named_children();
  if (children.begin()->key() != kRewardLayer) return nullptr;
  const auto reward = std::dynamic_pointer_cast<HubRewardModelImpl>(children.begin()->value());
  return reward ? reward->architecture() : nullptr;
}

}  // namespace cradle
