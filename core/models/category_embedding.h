#pragma once
// The front of an MLP on a table whose categorical columns are indices
// (data.categorical_encoding "embedding"): numeric columns pass through, each
// index column is looked up in its own learned embedding, and the results are
// concatenated. Compared with one-hot columns, a category with thousands of
// values costs a few dozen inputs instead of thousands, and similar categories
// can learn similar vectors.
#include <torch/nn.h>

#include <cstdint>
#include <vector>

namespace cradle {

// The width of a column's embedding for `categories` values: fast.ai's rule of
// thumb, min(600, round(1.6 * categories^0.56)).
std::int64_t category_embedding_width(std::int64_t categories);

class CategoryEmbeddingImpl : public torch::nn::Module {
 public:
  // Inputs are [batch, numeric_columns + category_sizes.size()].
  CategoryEmbeddingImpl(std::int64_t numeric_columns, const std::vector<std::int64_t>& category_sizes);
  torch::Tensor forward(const torch::Tensor& x);
  std::int64_t output_width() const { return output_width_; }

 private:
  std::int64_t numeric_columns_;
  std::int64_t output_width_;
  std::vector<torch::nn::Embedding> tables_;
};
TORCH_MODULE(CategoryEmbedding);

}  // namespace cradle
