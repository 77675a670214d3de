#include "core/models/numbered_layers.h"

namespace cradle {

torch::Tensor NumberedLayersImpl::forward(torch::Tensor x) {
  for (auto& layer : layers_) x = layer.forward(x);
  return x;
}

}  // namespace cradle
