#pragma once
#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

// Builds the model of `spec` for samples of `input_shape` (channels, height,
// width; features; or sequence length) and `num_classes` outputs (the
// vocabulary size for a language model), initialised from the current torch
// seed. category_sizes: ClassificationData::category_sizes (empty unless a
// table's categories are embedded).
torch::nn::Sequential build_model(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                  std::int64_t num_classes, const std::vector<std::int64_t>& category_sizes);

}  // namespace cradle
