#include "core/models/resnet.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/models/fast_dropout.h"
#include "core/models/layers.h"

namespace cradle {
namespace nn = torch::nn;

BasicBlockImpl::BasicBlockImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride) {
  conv1_ = register_module(
      "conv1", nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, 3).stride(stride).padding(1).bias(false)));
  norm1_ = register_module("norm1", nn::BatchNorm2d(out_channels));
  conv2_ =
      register_module("conv2", nn::Conv2d(nn::Conv2dOptions(out_channels, out_channels, 3).padding(1).bias(false)));
  norm2_ = register_module("norm2", nn::BatchNorm2d(out_channels));
  shortcut_ = register_module("shortcut", nn::Sequential());
  if (stride != 1 || in_channels != out_channels) {
    shortcut_->push_back("conv",
                         nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, 1).stride(stride).bias(false)));
    shortcut_->push_back("norm", nn::BatchNorm2d(out_channels));
  }
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  auto out = torch::relu(norm1_->forward(conv1_->forward(x)));
  out = norm2_->forward(conv2_->forward(out));
  return torch::relu(out + (shortcut_->is_empty() ? x : shortcut_->forward(x)));
}

LayerCost BasicBlockImpl::cost(const Shape& input_shape, const Shape& output_shape) const {
  const std::int64_t in = input_shape.at(0), out = output_shape.at(0),
                     positions = output_shape.at(1) * output_shape.at(2);
  LayerCost c;
  c.flops = 2 * positions * out * (in * 9 + out * 9 + (shortcut_->is_empty() ? 0 : in));
  // conv1, norm1, relu, conv2, norm2, sum, relu (and the projection's conv and norm).
  c.activations = element_count(output_shape) * (shortcut_->is_empty() ? 7 : 9);
  return c;
}

torch::nn::Sequential build_resnet(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                   std::int64_t num_classes) {
  if (input_shape.size() != 3)
    throw ConfigError("model.type: \"resnet\" needs images (channels, height, width); this data has " +
                      std::to_string(input_shape.size()) + "-dimensional samples");
  std::int64_t size = std::min(input_shape[1], input_shape[2]);
  nn::Sequential net;
  net->push_back("channels_last", ChannelsLast());
  net->push_back("stem", nn::Conv2d(nn::Conv2dOptions(input_shape[0], spec.widths[0], 3).padding(1).bias(false)));
  net->push_back("stem_norm", nn::BatchNorm2d(spec.widths[0]));
  net->push_back("stem_act", nn::ReLU());
  std::int64_t channels = spec.widths[0];
  for (size_t stage = 0; stage < spec.widths.size(); ++stage) {
    for (std::int64_t b = 0; b < spec.blocks[stage]; ++b) {
      const std::int64_t stride = stage > 0 && b == 0 ? 2 : 1;
      if (stride == 2) size = (size + 1) / 2;
      net->push_back("stage" + std::to_string(stage + 1) + "_block" + std::to_string(b + 1),
                     std::make_shared<BasicBlockImpl>(channels, spec.widths[stage], stride));
      channels = spec.widths[stage];
    }
  }
  if (size < 1) throw ConfigError("model.widths: too many stages for the input size");
  net->push_back("pool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  net->push_back("flatten", nn::Flatten());
  if (spec.dropout > 0) net->push_back("drop", FastDropout(spec.dropout));
  net->push_back("out", nn::Linear(channels, num_classes));
  lay_out_channels_last(net);
  return net;
}

}  // namespace cradle
