#include "core/models/mobilenet_v2.h"

#include <torch/torch.h>

#include "core/models/fast_dropout.h"
#include "core/models/layers.h"

namespace cradle {
namespace nn = torch::nn;
namespace {

// torchvision's Conv2dNormActivation with ReLU6: "0" the convolution, "1" batch norm, "2" the activation.
NumberedLayers convolution_norm_relu6(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                                      std::int64_t groups = 1) {
  NumberedLayers layers;
  layers->append(nn::Conv2d(
      nn::Conv2dOptions(in, out, kernel).stride(stride).padding((kernel - 1) / 2).groups(groups).bias(false)));
  layers->append(nn::BatchNorm2d(out));
  layers->append(nn::ReLU6(nn::ReLU6Options().inplace(true)));
  return layers;
}

// {expansion, channels, blocks, first stride} of each stage, from the paper's table 2.
struct InvertedResidualStage {
  std::int64_t expansion, channels, blocks, stride;
};
constexpr InvertedResidualStage kStages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                             {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
constexpr std::int64_t kStemChannels = 32, kLastChannels = 1280;

}  // namespace

InvertedResidualImpl::InvertedResidualImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride,
                                           std::int64_t expansion)
    : hidden_(in_channels * expansion),
      expands_(expansion != 1),
      adds_input_(stride == 1 && in_channels == out_channels) {
  conv_ = register_module("conv", NumberedLayers());
  if (expands_) conv_->append(convolution_norm_relu6(in_channels, hidden_, 1, 1));
  conv_->append(convolution_norm_relu6(hidden_, hidden_, 3, stride, hidden_));
  conv_->append(nn::Conv2d(nn::Conv2dOptions(hidden_, out_channels, 1).bias(false)));
  conv_->append(nn::BatchNorm2d(out_channels));
}

torch::Tensor InvertedResidualImpl::forward(const torch::Tensor& x) {
  auto out = conv_->forward(x);
  return adds_input_ ? out + x : out;
}

LayerCost InvertedResidualImpl::cost(const Shape& input_shape, const Shape& output_shape) const {
  const std::int64_t in = input_shape.at(0), out = output_shape.at(0);
  const std::int64_t p_in = input_shape.at(1) * input_shape.at(2), p = output_shape.at(1) * output_shape.at(2);
  LayerCost c;
  c.flops = 2 * ((expands_ ? p_in * in * hidden_ : 0) + p * hidden_ * 9 + p * hidden_ * out);
  // expansion conv and norm (relu6 in place), depthwise conv and norm, projection conv and norm.
  c.activations = (expands_ ? 2 * p_in * hidden_ : 0) + 2 * p * hidden_ + 2 * p * out;
  return c;
}

torch::nn::Sequential build_mobilenet_v2(std::int64_t in_channels, std::int64_t num_classes, double dropout) {
  NumberedLayers features;
  features->append(convolution_norm_relu6(in_channels, kStemChannels, 3, 2));
  std::int64_t channels = kStemChannels;
  for (const auto& stage : kStages)
    for (std::int64_t b = 0; b < stage.blocks; ++b) {
      features->append(InvertedResidual(channels, stage.channels, b == 0 ? stage.stride : 1, stage.expansion));
      channels = stage.channels;
    }
  features->append(convolution_norm_relu6(channels, kLastChannels, 1, 1));
  NumberedLayers classifier;
  classifier->append(FastDropout(dropout));
  classifier->append(nn::Linear(kLastChannels, num_classes));

  nn::Sequential net;
  net->push_back("channels_last", ChannelsLast());
  net->push_back("features", features);
  net->push_back("avgpool", nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  net->push_back("flatten", nn::Flatten());
  net->push_back("classifier", classifier);
  torch::NoGradGuard no_grad;
  for (auto& module : net->modules(false)) {
    if (auto* conv = module->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut);
    } else if (auto* norm = module->as<nn::BatchNorm2d>()) {
      norm->weight.fill_(1);
      norm->bias.zero_();
    } else if (auto* linear = module->as<nn::Linear>()) {
      nn::init::normal_(linear->weight, 0, 0.01);
      linear->bias.zero_();
    }
  }
  lay_out_channels_last(net);
  return net;
}

}  // namespace cradle
