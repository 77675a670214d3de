#pragma once
// A small ResNet (He et al. 2016) for small images, as used on CIFAR-10: a 3x3
// stem convolution, stages of basic blocks (two 3x3 convolutions with batch
// norm and a skip connection; the first block of every stage after the first
// halves the size with stride 2 and projects the skip with a 1x1 convolution),
// global average pooling and a linear layer. widths [16, 32, 64] with blocks
// [3, 3, 3] is the paper's ResNet-20.
#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "core/experiment/model_spec.h"
#include "core/models/layer_cost.h"

namespace cradle {

class BasicBlockImpl : public torch::nn::Module, public CostedLayer {
 public:
  BasicBlockImpl(std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Sequential shortcut_{nullptr};  // empty: identity
};
TORCH_MODULE(BasicBlock);

torch::nn::Sequential build_resnet(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                   std::int64_t num_classes);

}  // namespace cradle
