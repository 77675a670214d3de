#include "core/hub/pretrained_language_model.h"

namespace cradle {
namespace {
constexpr const char* kPretrainedLayer = "pretrained";
}  // namespace

torch::nn::Sequential pretrained_sequential(const HubModel& hub) {
  torch::nn::Sequential model;
  model->push_back(kPretrainedLayer, hub.model);
  return model;
}

torch::nn::Sequential load_pretrained_sequential(const std::filesystem::path& folder) {
  return pretrained_sequential(load_hub_model(folder));
}

std::shared_ptr<CausalLanguageModelImpl> pretrained_language_model(const torch::nn::Sequential& model) {
  if (!model || model->size() != 1) return nullptr;
  const auto children = model->named_children();
  if (children.size() != 1 || children.begin()->key() != kPretrainedLayer) return nullptr;
  return std::dynamic_pointer_cast<CausalLanguageModelImpl>(children.begin()->value());
}

}  // namespace cradle
