#pragma once
#include <torch/nn.h>

#include <cstdint>

#include "core/experiment/experiment.h"

namespace cradle {

// Appends the fully connected part shared by MLP and CNN: for each hidden size
// fc{i}, norm, activation, dropout; then "out" with one logit per class.
void append_dense_head(torch::nn::Sequential& net, const ModelSpec& spec, std::int64_t in_features,
                       std::int64_t num_classes);

}  // namespace cradle
