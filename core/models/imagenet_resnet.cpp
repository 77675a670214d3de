#include "core/models/imagenet_resnet.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/models/fast_dropout.h"
#include "core/models/layers.h"

namespace cradle {
namespace nn = torch::nn;
namespace {

nn::Conv2d convolution(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

// The 1x1 strided projection of the skip path where the shape changes.
NumberedLayers projection(std::int64_t in, std::int64_t out, std::int64_t stride) {
  if (stride == 1 && in == out) return NumberedLayers{nullptr};
  NumberedLayers layers;
  layers->append(convolution(in, out, 1, stride));
  layers->append(nn::BatchNorm2d(out));
  return layers;
}

std::int64_t positions(const Shape& image_shape) { return image_shape.at(1) * image_shape.at(2); }

}  // namespace

ImageNetResNetShape imagenet_resnet_shape(const std::string& type) {
  if (type == "resnet18") return {false, {2, 2, 2, 2}};
  if (type == "resnet34") return {false, {3, 4, 6, 3}};
  if (type == "resnet50") return {true, {3, 4, 6, 3}};
  if (type == "resnet101") return {true, {3, 4, 23, 3}};
  if (type == "resnet152") return {true, {3, 8, 36, 3}};
  throw ConfigError("model.type: \"" + type + "\" is not an ImageNet ResNet (resnet18, resnet34, resnet50, " +
                    "resnet101, resnet152)");
}

ResNetBasicBlockImpl::ResNetBasicBlockImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride) {
  conv1_ = register_module("conv1", convolution(in_channels, channels, 3, stride));
  bn1_ = register_module("bn1", nn::BatchNorm2d(channels));
  conv2_ = register_module("conv2", convolution(channels, channels, 3, 1));
  bn2_ = register_module("bn2", nn::BatchNorm2d(channels));
  downsample_ = projection(in_channels, channels, stride);
  if (downsample_) register_module("downsample", downsample_);
}

torch::Tensor ResNetBasicBlockImpl::forward(const torch::Tensor& x) {
  auto out = bn1_->forward(conv1_->forward(x)).relu_();
  out = bn2_->forward(conv2_->forward(out));
  return out.add_(downsample_ ? downsample_->forward(x) : x).relu_();
}

LayerCost ResNetBasicBlockImpl::cost(const Shape& input_shape, const Shape& output_shape) const {
  const std::int64_t in = input_shape.at(0), out = output_shape.at(0), p = positions(output_shape);
  LayerCost c;
  c.flops = 2 * p * out * (in * 9 + out * 9 + (downsample_ ? in : 0));
  // conv1, bn1, relu, conv2, bn2, sum (relu in place); the projection's conv and norm.
  c.activations = element_count(output_shape) * (downsample_ ? 8 : 6);
  return c;
}

ResNetBottleneckImpl::ResNetBottleneckImpl(std::int64_t in_channels, std::int64_t channels, std::int64_t stride) {
  const std::int64_t out_channels = 4 * channels;
  conv1_ = register_module("conv1", convolution(in_channels, channels, 1, 1));
  bn1_ = register_module("bn1", nn::BatchNorm2d(channels));
  conv2_ = register_module("conv2", convolution(channels, channels, 3, stride));
  bn2_ = register_module("bn2", nn::BatchNorm2d(channels));
  conv3_ = register_module("conv3", convolution(channels, out_channels, 1, 1));
  bn3_ = register_module("bn3", nn::BatchNorm2d(out_channels));
  downsample_ = projection(in_channels, out_channels, stride);
  if (downsample_) register_module("downsample", downsample_);
}

torch::Tensor ResNetBottleneckImpl::forward(const torch::Tensor& x) {
  auto out = bn1_->forward(conv1_->forward(x)).relu_();
  out = bn2_->forward(conv2_->forward(out)).relu_();
  out = bn3_->forward(conv3_->forward(out));
  return out.add_(downsample_ ? downsample_->forward(x) : x).relu_();
}

LayerCost ResNetBottleneckImpl::cost(const Shape& input_shape, const Shape& output_shape) const {
  const std::int64_t in = input_shape.at(0), out = output_shape.at(0), width = out / 4, p = positions(output_shape),
                     p_in = positions(input_shape);
  LayerCost c;
  c.flops = 2 * (p_in * in * width + p * width * width * 9 + p * width * out + (downsample_ ? p * in * out : 0));
  // The 1x1 in runs at the input's size; the rest at the output's.
  c.activations = 3 * p_in * width + 3 * p * width + 3 * p * out + (downsample_ ? 2 * p * out : 0);
  return c;
}

torch::nn::Sequential build_imagenet_resnet(const ImageNetResNetShape& shape, std::int64_t in_channels,
                                            std::int64_t num_classes, double dropout) {
  nn::Sequential net;
  net->push_back("channels_last", ChannelsLast());
  net->push_back("conv1", nn::Conv2d(nn::Conv2dOptions(in_channels, 64, 7).stride(2).padding(3).bias(false)));
  net->push_back("bn1", nn::BatchNorm2d(64));
  net->push_back("relu", nn::ReLU(nn::ReLUOptions().inplace(true)));
  net->push_back("maxpool", nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
  std::int64_t channels = 64;
  for (std::size_t stage = 0; stage < shape.blocks.size(); ++stage) {
    const std::int64_t width = 64 << stage;
    NumberedLayers layer;
    for (std::int64_t b = 0; b < shape.blocks[stage]; ++b) {
      const std::int64_t stride = stage > 0 && b == 0 ? 2 : 1;
      if (shape.bottleneck) {
        layer->append(ResNetBottleneck(channels, width, stride));
        channels = 4 * width;
      } else {
        layer->append(ResNetBasicBlock(channels, width, stride));
        channels = width;
      }
    }
    net->push_back("layer" + std::to_string(stage + 1), layer);
  }
  net->push_back("avgpool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  net->push_back("flatten", nn::Flatten());
  if (dropout > 0) net->push_back("drop", FastDropout(dropout));
  net->push_back("fc", nn::Linear(channels, num_classes));
  torch::NoGradGuard no_grad;
  for (auto& module : net->modules(false)) {
    if (auto* conv = module->as<nn::Conv2d>())
      nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    else if (auto* norm = module->as<nn::BatchNorm2d>()) {
      norm->weight.fill_(1);
      norm->bias.zero_();
    }
  }
  lay_out_channels_last(net);
  return net;
}

}  // namespace cradle
