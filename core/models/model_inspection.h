#pragma once
// Builds the layer table of a model by running two zero samples through it.
#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "core/models/model_summary.h"

namespace cradle {

ModelSummary summarize_model(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape);

}  // namespace cradle
