#include "core/models/layers.h"

#include <torch/torch.h>

namespace cradle {

torch::nn::AnyModule make_activation(const std::string& name) {
  if (name == "gelu") return torch::nn::AnyModule(torch::nn::GELU());
  if (name == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  if (name == "sigmoid") return torch::nn::AnyModule(torch::nn::Sigmoid());
  return torch::nn::AnyModule(torch::nn::ReLU());
}

}  // namespace cradle
