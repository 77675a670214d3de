#pragma once
// LeNet-5 (LeCun et al. 1998) for small images: two 5x5 convolutions with 6
// and 16 channels, each followed by the activation and 2x2 average pooling,
// then dense layers of 120 and 84 units. The first convolution pads by 2, so
// a 28x28 image is treated as the 32x32 input of the original paper.
#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "core/experiment/model_spec.h"

namespace cradle {

torch::nn::Sequential build_lenet5(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                   std::int64_t num_classes);

}  // namespace cradle
