#pragma once
#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

// Convolution blocks (conv, batch norm, activation, 2x2 max pool), then the
// dense head. ConfigError when the pools would shrink the image to nothing.
torch::nn::Sequential build_cnn(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                std::int64_t num_classes);

}  // namespace cradle
