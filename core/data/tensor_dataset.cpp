#include "core/data/tensor_dataset.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"

namespace cradle {

namespace {

// Mapped ids to int64; u16 ids are stored as int16, so their sign bit is cleared.
torch::Tensor widened_token_ids(const torch::Tensor& ids, std::int64_t vocab_size) {
  auto wide = ids.to(torch::kInt64);
  if (ids.scalar_type() == torch::kInt16) wide.bitwise_and_(0xFFFF);
  if (wide.numel() > 0) {
    const auto largest = wide.max().item<std::int64_t>();
    if (largest >= vocab_size)
      throw DataError("token file: id " + std::to_string(largest) + " is outside the vocabulary of " +
                      std::to_string(vocab_size) +
                      " (the file is corrupt; write it again with cradle-cli data tokenize)");
  }
  return wide;
}

}  // namespace

TensorDataset TensorDataset::select(const std::vector<std::int64_t>& indices) const {
  const auto index = torch::tensor(indices, torch::kInt64);
  return {inputs.index_select(0, index), targets.index_select(0, index), mapped_vocab_size};
}

TensorDataset TensorDataset::head(std::int64_t count) const {
  const auto n = std::min(count, size());
  return {inputs.slice(0, 0, n), targets.slice(0, 0, n), mapped_vocab_size};
}

Batch TensorDataset::batch(const torch::Tensor& indices) const {
  if (!mapped()) return {inputs.index_select(0, indices), targets.index_select(0, indices)};
  return {widened_token_ids(inputs.index_select(0, indices), mapped_vocab_size),
          widened_token_ids(targets.index_select(0, indices), mapped_vocab_size)};
}

Batch TensorDataset::slice(std::int64_t begin, std::int64_t end) const {
  if (!mapped()) return {inputs.slice(0, begin, end), targets.slice(0, begin, end)};
  return {widened_token_ids(inputs.slice(0, begin, end), mapped_vocab_size),
          widened_token_ids(targets.slice(0, begin, end), mapped_vocab_size)};
}

std::vector<torch::Tensor> index_batches(const std::vector<std::int64_t>& order, std::int64_t batch_size) {
  std::vector<torch::Tensor> batches;
  const auto n = static_cast<std::int64_t>(order.size());
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const std::int64_t end = std::min(n, begin + batch_size);
    batches.push_back(
        torch::tensor(std::vector<std::int64_t>(order.begin() + begin, order.begin() + end), torch::kInt64));
  }
  return batches;
}

}  // namespace cradle
