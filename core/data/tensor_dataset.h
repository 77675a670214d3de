#pragma once
// Inputs and targets held in memory as two tensors with the same first dimension.
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace cradle {

struct Batch {
  torch::Tensor inputs;
  torch::Tensor targets;
};

struct TensorDataset {
  torch::Tensor inputs;   // [N, ...] float features, or int64 token ids
  torch::Tensor targets;  // [N] int64 class indices, or [N, T] next-token ids

  std::int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
  TensorDataset select(const std::vector<std::int64_t>& indices) const;
  Batch batch(const torch::Tensor& indices) const;
  Batch slice(std::int64_t begin, std::int64_t end) const;
};

// Batches of indices over `order`, the last one possibly smaller.
std::vector<torch::Tensor> index_batches(const std::vector<std::int64_t>& order, std::int64_t batch_size);

}  // namespace cradle
