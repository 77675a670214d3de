#include "core/compress/channel_pruning.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/common/error.h"
#include "core/models/model_factory.h"

namespace cradle {
namespace {

// What stays of `total` channels when `share` goes: a multiple of 8 for layers
// of 16 or more, because the convolution and matrix kernels work in blocks of
// 8 (a CNN pruned to 22 and 45 channels ran no faster than at 32 and 64).
std::int64_t channels_kept(std::int64_t total, double share) {
  const double kept = static_cast<double>(total) * (1.0 - share);
  if (total < 16) return std::max<std::int64_t>(1, std::llround(kept));
  return std::clamp<std::int64_t>(8 * std::llround(kept / 8), 8, total);
}

// The `keep` outputs whose filters (rows of the weight, over the inputs still
// present) have the largest L1 norms, in their original order.
torch::Tensor strongest_outputs(const torch::Tensor& weight, const torch::Tensor& kept_inputs, std::int64_t keep) {
  const auto filters = weight.detach().index_select(1, kept_inputs).reshape({weight.size(0), -1});
  const auto norms = filters.abs().sum(1);
  return std::get<0>(std::get<1>(norms.topk(keep)).sort());
}

}  // namespace

ChannelPruning prune_channels(torch::nn::Sequential& model, const ModelSpec& spec, double share,
                              const std::vector<std::int64_t>& input_shape, std::int64_t outputs,
                              const std::vector<std::int64_t>& category_sizes) {
  if (spec.type != "mlp" && spec.type != "cnn")
    throw ConfigError(
        "compress.method: \"channels\" rebuilds mlp and cnn models (their widths are conv_channels and "
        "hidden); this run's model is \"" +
        spec.type + "\": use method \"magnitude\"");
  if (!(share > 0 && share < 1))
    throw ConfigError("compress.sparsity: expected a share in (0, 1) of the channels to remove");
  ChannelPruning result;
  result.spec = spec;
  if (spec.type == "cnn")
    for (auto& c : result.spec.conv_channels) c = channels_kept(c, share);
  for (auto& h : result.spec.hidden) h = channels_kept(h, share);
  result.model = build_model(result.spec, input_shape, outputs, category_sizes);

  torch::NoGradGuard no_grad;
  std::map<std::string, std::shared_ptr<torch::nn::Module>> old_layers;
  for (const auto& child : model->named_children()) old_layers[child.key()] = child.value();
  torch::Tensor kept;                  // the previous layer's kept outputs: this layer's inputs
  std::int64_t previous_channels = 0;  // the last convolution's channels, before flattening
  for (const auto& child : result.model->named_children()) {
    const std::string& name = child.key();
    const auto old = old_layers.at(name);
    auto& fresh = *child.value();
    if (const auto conv = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(old)) {
      const auto all_inputs = torch::arange(conv->weight.size(1));
      const auto inputs = kept.defined() ? kept : all_inputs;
      const auto outputs_kept =
          strongest_outputs(conv->weight, inputs, fresh.as<torch::nn::Conv2dImpl>()->weight.size(0));
      auto* target = fresh.as<torch::nn::Conv2dImpl>();
      target->weight.copy_(conv->weight.index_select(0, outputs_kept).index_select(1, inputs));
      if (conv->bias.defined()) target->bias.copy_(conv->bias.index_select(0, outputs_kept));
      result.layers.push_back({name, outputs_kept.size(0), conv->weight.size(0)});
      previous_channels = conv->weight.size(0);
      kept = outputs_kept;
    } else if (const auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(old)) {
      torch::Tensor inputs = torch::arange(linear->weight.size(1));
      if (kept.defined() && previous_channels > 0) {
        // After flattening: channel c holds the inputs [c·HW, (c+1)·HW) (NCHW order).
        const std::int64_t per_channel = linear->weight.size(1) / previous_channels;
        inputs = (kept.unsqueeze(1) * per_channel + torch::arange(per_channel).unsqueeze(0)).reshape({-1});
      } else if (kept.defined()) {
        inputs = kept;
      }
      previous_channels = 0;
      auto* target = fresh.as<torch::nn::LinearImpl>();
      const bool output_layer = name == "out";  // every class stays
      const auto outputs_kept = output_layer ? torch::arange(linear->weight.size(0))
                                             : strongest_outputs(linear->weight, inputs, target->weight.size(0));
      target->weight.copy_(linear->weight.index_select(0, outputs_kept).index_select(1, inputs));
      if (linear->bias.defined()) target->bias.copy_(linear->bias.index_select(0, outputs_kept));
      if (!output_layer) result.layers.push_back({name, outputs_kept.size(0), linear->weight.size(0)});
      kept = outputs_kept;
    } else {
      // Normalisation over the kept channels or neurons; anything else (embeddings, activations) as it was.
      auto old_parameters = old->named_parameters(/*recurse=*/false);
      auto old_buffers = old->named_buffers(/*recurse=*/false);
      for (auto& p : fresh.named_parameters(/*recurse=*/false)) {
        const auto& source = old_parameters[p.key()];
        p.value().copy_(source.sizes() == p.value().sizes() ? source : source.index_select(0, kept));
      }
      for (auto& b : fresh.named_buffers(/*recurse=*/false)) {
        const auto& source = old_buffers[b.key()];
        b.value().copy_(source.sizes() == b.value().sizes() ? source : source.index_select(0, kept));
      }
    }
  }
  return result;
}

}  // namespace cradle
