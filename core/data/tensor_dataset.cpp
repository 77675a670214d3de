#include "core/data/tensor_dataset.h"

#include <torch/torch.h>

#include <algorithm>

namespace cradle {

TensorDataset TensorDataset::select(const std::vector<std::int64_t>& indices) const {
  const auto index = torch::tensor(indices, torch::kInt64);
  return {inputs.index_select(0, index), targets.index_select(0, index)};
}

Batch TensorDataset::batch(const torch::Tensor& indices) const {
  return {inputs.index_select(0, indices), targets.index_select(0, indices)};
}

Batch TensorDataset::slice(std::int64_t begin, std::int64_t end) const {
  return {inputs.slice(0, begin, end), targets.slice(0, begin, end)};
}

std::vector<torch::Tensor> index_batches(const std::vector<std::int64_t>& order, std::int64_t batch_size) {
  std::vector<torch::Tensor> batches;
  const auto n = static_cast<std::int64_t>(order.size());
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const std::int64_t end = std::min(n, begin + batch_size);
    batches.push_back(torch::tensor(std::vector<std::int64_t>(order.begin() + begin, order.begin() + end),
                                    torch::kInt64));
  }
  return batches;
}

}  // namespace cradle
