#pragma once
#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

// Multi-layer perceptron over the flattened input. With category_sizes (a
// table with embedded categories) the last input columns are category indices,
// looked up by a CategoryEmbedding first.
torch::nn::Sequential build_mlp(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                std::int64_t num_classes, const std::vector<std::int64_t>& category_sizes);

}  // namespace cradle
