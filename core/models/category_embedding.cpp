#include "core/models/category_embedding.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace cradle {

std::int64_t category_embedding_width(std::int64_t categories) {
  const double width = std::round(1.6 * std::pow(static_cast<double>(categories), 0.56));
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(width), 1, 600);
}

CategoryEmbeddingImpl::CategoryEmbeddingImpl(std::int64_t numeric_columns,
                                             const std::vector<std::int64_t>& category_sizes)
    : numeric_columns_(numeric_columns), output_width_(numeric_columns) {
  for (size_t k = 0; k < category_sizes.size(); ++k) {
    const std::int64_t width = category_embedding_width(category_sizes[k]);
    tables_.push_back(register_module("column" + std::to_string(k), torch::nn::Embedding(category_sizes[k], width)));
    output_width_ += width;
  }
}

torch::Tensor CategoryEmbeddingImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> parts = {x.narrow(1, 0, numeric_columns_)};
  for (size_t k = 0; k < tables_.size(); ++k) {
    // The loader carries indices in a float tensor with the numbers; they are exact integers.
    const auto indices = x.select(1, numeric_columns_ + static_cast<std::int64_t>(k)).to(torch::kInt64);
    parts.push_back(tables_[k]->forward(indices).to(x.scalar_type()));
  }
  return torch::cat(parts, 1);
}

}  // namespace cradle
