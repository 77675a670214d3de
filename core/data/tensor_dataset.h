#pragma once
// Inputs and targets as two tensors with the same first dimension: held in
// memory, or (language models on a token file) views of a memory-mapped file
// in its compact id type, widened to int64 batch by batch.
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

  // Mapped token ids (int16 holding u16, or int32): the vocabulary size their
  // batches are checked against, since the file's ids are not all read when it
  // is opened. 0 for data held in memory.
  std::int64_t mapped_vocab_size = 0;

  std::int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
  bool mapped() const { return mapped_vocab_size > 0; }
  TensorDataset select(const std::vector<std::int64_t>& indices) const;
  TensorDataset head(std::int64_t count) const;  // the first `count` samples, still mapped if this is
  // Batches are always in memory, with token ids as int64.
  Batch batch(const torch::Tensor& indices) const;
  Batch slice(std::int64_t begin, std::int64_t end) const;
};

// Batches of indices over `order`, the last one possibly smaller.
std::vector<torch::Tensor> index_batches(const std::vector<std::int64_t>& order, std::int64_t batch_size);

}  // namespace cradle
