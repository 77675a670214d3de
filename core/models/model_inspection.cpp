#include "core/models/model_inspection.h"

#include <torch/torch.h>

#include "core/hub/hub_reward_model.h"
#include "core/models/causal_language_model.h"
#include "core/models/gpt.h"
#include "core/models/layer_cost.h"
#include "core/models/layers.h"
#include "core/models/numbered_layers.h"
#include "core/models/padding_mask.h"
#include "core/text/tokenizer.h"

namespace cradle {
namespace {

// Leaf LibTorch layers; composite Cradle layers answer for themselves (CostedLayer).
LayerCost layer_cost(const torch::nn::Module& module, const Shape& input_shape, const Shape& output_shape) {
  if (const auto* costed = dynamic_cast<const CostedLayer*>(&module)) return costed->cost(input_shape, output_shape);
  const std::int64_t outputs = element_count(output_shape);
  if (const auto* linear = module.as<torch::nn::Linear>())
    return {2 * linear->options.in_features() * outputs, outputs};
  if (const auto* conv = module.as<torch::nn::Conv2d>()) {
    const auto& o = conv->options;
    const std::int64_t kernel = (*o.kernel_size())[0] * (*o.kernel_size())[1];
    return {2 * (o.in_channels() / o.groups()) * kernel * outputs, outputs};
  }
  // A view or a re-layout of its input, nothing kept for the backward pass.
  if (module.as<torch::nn::Flatten>() || module.as<TrimPadding>() || module.as<ChannelsLast>()) return {0, 0};
  // Embeddings, norms, activations, pooling, dropout: element-wise, their outputs kept.
  return {0, outputs};
}

// Runs one layer on x, adding its cost to `total`; a stack of numbered layers
// (torchvision's nesting) costs what its layers do, each at the shape it sees.
torch::Tensor forward_costed(torch::nn::AnyModule& layer, const torch::Tensor& x, LayerCost& total) {
  if (auto* stack = layer.ptr()->as<NumberedLayers>()) {
    torch::Tensor y = x;
    for (auto& inner : stack->layers()) y = forward_costed(inner, y, total);
    return y;
  }
  const Shape input(x.sizes().begin() + 1, x.sizes().end());
  torch::Tensor y = layer.forward(x);
  const LayerCost cost = layer_cost(*layer.ptr(), input, Shape(y.sizes().begin() + 1, y.sizes().end()));
  total.flops += cost.flops;
  total.activations += cost.activations;
  return y;
}

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
  model->eval();                          // batch norm must not update its statistics here
  std::vector<std::int64_t> shape = {2};  // two samples: BatchNorm1d refuses a batch of one in training
  shape.insert(shape.end(), input_shape.begin(), input_shape.end());
  const auto device = model->parameters().empty() ? torch::kCPU : model->parameters().front().device();
  // A model that starts with an embedding (or a text classifier's padding cut, or is a model folder's
  // architecture, or a reward model on one) reads token ids: <unk> everywhere is a full-length text
  // (zeros would be all padding).
  const bool reads_tokens =
      !model->is_empty() &&
      (model->ptr(0)->as<torch::nn::Embedding>() != nullptr || model->ptr(0)->as<TokenEmbedding>() != nullptr ||
       model->ptr(0)->as<TrimPadding>() != nullptr || model->ptr(0)->as<CausalLanguageModelImpl>() != nullptr ||
       model->ptr(0)->as<HubRewardModelImpl>() != nullptr);
  torch::Tensor x = reads_tokens
                        ? torch::full(shape, kUnkId, torch::TensorOptions().device(device).dtype(torch::kInt64))
                        : torch::zeros(shape, torch::TensorOptions().device(device));
  const auto children = model->named_children();
  size_t i = 0;
  for (auto it = model->begin(); it != model->end(); ++it, ++i) {
    LayerCost cost;
    x = forward_costed(*it, x, cost);
    LayerRow row;
    row.name = children[i].key();
    row.kind = module_kind(*children[i].value());
    row.output_shape.assign(x.sizes().begin() + 1, x.sizes().end());
    for (const auto& p : children[i].value()->parameters()) row.parameters += p.numel();
    row.flops = cost.flops;
    row.activations = cost.activations;
    summary.flops += cost.flops;
    summary.activations += cost.activations;
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
