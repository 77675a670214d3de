#pragma once
// Small building blocks shared by the model families.
#include <torch/nn.h>

#include <string>

namespace cradle {

// relu | gelu | tanh | sigmoid, as validated by the experiment parser.
torch::nn::AnyModule make_activation(const std::string& name);

}  // namespace cradle
