#pragma once
// MobileNetV2 (Sandler et al. 2018, "MobileNetV2: Inverted Residuals and
// Linear Bottlenecks"), width 1.0, as torchvision builds it: a 3x3 stride-2
// stem of 32 channels, 17 inverted residual blocks (a 1x1 expansion by 6 but
// in the first, a 3x3 depthwise convolution, a linear 1x1 projection; a skip
// connection where stride and width allow), a 1x1 convolution to 1280
// channels, global average pooling, dropout and one linear layer; ReLU6
// throughout. Names are torchvision's (features.0.0, features.1.conv.0.0,
// features.18.1, classifier.1), so its checkpoints load as they are.
#include <torch/nn.h>

#include <cstdint>

#include "core/models/layer_cost.h"
#include "core/models/numbered_layers.h"

namespace cradle {

class InvertedResidualImpl : public torch::nn::Module, public CostedLayer {
 public:
  InvertedResidualImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride,
                       std::int64_t expansion);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;
  bool adds_input() const { return adds_input_; }  // the skip connection (stride 1, same width)

 private:
  std::int64_t hidden_;
  bool expands_, adds_input_;
  NumberedLayers conv_;
};
TORCH_MODULE(InvertedResidual);

// Channels-last; weights initialised as torchvision does. torchvision's
// dropout before the classifier is 0.2.
torch::nn::Sequential build_mobilenet_v2(std::int64_t in_channels, std::int64_t num_classes, double dropout = 0.2);

}  // namespace cradle
