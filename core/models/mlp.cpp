#include "core/models/mlp.h"

#include <torch/torch.h>

#include "core/models/classifier_head.h"

namespace cradle {

torch::nn::Sequential build_mlp(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                std::int64_t num_classes) {
  std::int64_t features = 1;
  for (auto d : input_shape) features *= d;
  torch::nn::Sequential net;
  net->push_back("flatten", torch::nn::Flatten());
  append_dense_head(net, spec, features, num_classes);
  return net;
}

}  // namespace cradle
