#pragma once
// The ResNets of ImageNet (He et al. 2016, "Deep Residual Learning for Image
// Recognition", in torchvision's v1.5 form: a bottleneck block strides in its
// 3x3 convolution): a 7x7 stride-2 stem with batch norm and a 3x3 stride-2 max
// pool, four stages of 64, 128, 256 and 512 channels (times 4 for bottleneck
// blocks), each stage after the first halving the size in its first block,
// global average pooling and one linear layer. Every parameter and buffer
// has torchvision's name (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0,
// fc), so torchvision's and timm's checkpoints load as they are
// (core/hub/image_backbone.h).
#include <torch/nn.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/models/layer_cost.h"
#include "core/models/numbered_layers.h"

namespace cradle {

struct ImageNetResNetShape {
  bool bottleneck = false;           // ResNet-50 and deeper: 1x1, 3x3, 1x1 blocks, four times as wide out
  std::vector<std::int64_t> blocks;  // per stage: {2, 2, 2, 2} is ResNet-18
};

// "resnet18", "resnet34", "resnet50", "resnet101", "resnet152"; ConfigError otherwise.
ImageNetResNetShape imagenet_resnet_shape(const std::string& type);

// Two 3x3 convolutions (ResNet-18 and -34).
class ResNetBasicBlockImpl : public torch::nn::Module, public CostedLayer {
 public:
  ResNetBasicBlockImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  NumberedLayers downsample_{nullptr};  // absent: the identity
};
TORCH_MODULE(ResNetBasicBlock);

// 1x1 down to `channels`, 3x3 (strided), 1x1 up to 4 x `channels` (ResNet-50 and deeper).
class ResNetBottleneckImpl : public torch::nn::Module, public CostedLayer {
 public:
  ResNetBottleneckImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  NumberedLayers downsample_{nullptr};
};
TORCH_MODULE(ResNetBottleneck);

// Channels-last, as Cradle's other image models; weights initialised as
// torchvision does (He normal, fan out, for convolutions; batch norm 1 and 0).
// `dropout` > 0 puts a dropout layer ("drop", no parameters) before fc.
torch::nn::Sequential build_imagenet_resnet(const ImageNetResNetShape& shape, std::int64_t in_channels,
                                            std::int64_t num_classes, double dropout = 0.0);

}  // namespace cradle
