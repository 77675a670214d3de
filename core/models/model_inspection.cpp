#include "core/models/model_inspection.h"

#include <torch/torch.h>

namespace cradle {
namespace {

std::string module_kind(const torch::nn::Module& module) {
  std::string name = module.name();  // e.g. "torch::nn::Conv2dImpl"
  if (const auto colons = name.rfind("::"); colons != std::string::npos) name = name.substr(colons + 2);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, "Impl") == 0) name.resize(name.size() - 4);
  return name;
}

}  // namespace

ModelSummary summarize_model(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape) {
  ModelSummary summary;
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();  // batch norm must not update its statistics here
  std::vector<std::int64_t> shape = {2};  // two samples: BatchNorm1d refuses a batch of one in training
  shape.insert(shape.end(), input_shape.begin(), input_shape.end());
  const auto device = model->parameters().empty() ? torch::kCPU : model->parameters().front().device();
  // A model that starts with an embedding reads token ids.
  const bool reads_tokens = !model->is_empty() && model->ptr(0)->as<torch::nn::Embedding>() != nullptr;
  torch::Tensor x = torch::zeros(shape, torch::TensorOptions().device(device).dtype(reads_tokens ? torch::kInt64 : torch::kFloat32));
  const auto children = model->named_children();
  size_t i = 0;
  for (auto it = model->begin(); it != model->end(); ++it, ++i) {
    x = it->forward(x);
    LayerRow row;
    row.name = children[i].key();
    row.kind = module_kind(*children[i].value());
    row.output_shape.assign(x.sizes().begin() + 1, x.sizes().end());
    for (const auto& p : children[i].value()->parameters()) row.parameters += p.numel();
    summary.layers.push_back(row);
  }
  for (const auto& p : model->parameters()) {
    summary.total_parameters += p.numel();
    if (p.requires_grad()) summary.trainable_parameters += p.numel();
  }
  if (was_training) model->train();
  return summary;
}

}  // namespace cradle
