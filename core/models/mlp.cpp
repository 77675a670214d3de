#include "core/models/mlp.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/models/category_embedding.h"
#include "core/models/classifier_head.h"

namespace cradle {

torch::nn::Sequential build_mlp(const ModelSpec& spec, const std::vector<std::int64_t>& input_shape,
                                std::int64_t num_classes, const std::vector<std::int64_t>& category_sizes) {
  std::int64_t features = 1;
  for (auto d : input_shape) features *= d;
  torch::nn::Sequential net;
  net->push_back("flatten", torch::nn::Flatten());
  if (!category_sizes.empty()) {
    const auto numeric = features - static_cast<std::int64_t>(category_sizes.size());
    if (input_shape.size() != 1 || numeric < 0)
      throw ConfigError("model: " + std::to_string(category_sizes.size()) + " category columns do not fit inputs of " +
                        std::to_string(features) + " values");
    auto embedding = std::make_shared<CategoryEmbeddingImpl>(numeric, category_sizes);
    features = embedding->output_width();
    net->push_back("embed", embedding);
  }
  append_dense_head(net, spec, features, num_classes);
  return net;
}

}  // namespace cradle
