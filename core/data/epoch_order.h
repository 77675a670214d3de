#pragma once
// The batches of sample indices one epoch trains on, in a seeded shuffled
// order, optionally one rank's shard of it (every world_size-th position).
//
// Two ways to shuffle, chosen by the data:
// - held: a Fisher-Yates permutation in memory (seeded_permutation), the order
//   in-memory data has always used, so their runs reproduce;
// - computed: a seeded bijection of [0, n) evaluated per position (a Feistel
//   network, cycle-walked into range), for the windows of a memory-mapped
//   corpus: their count grows with the corpus, and an order held in memory
//   would be the one thing growing with it (8 bytes a window).
// Batch index tensors are made when a batch is asked for, not all at once.
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace cradle {

// A seeded permutation of [0, n) computed one position at a time, in O(1) memory.
class ComputedPermutation {
 public:
  ComputedPermutation(std::int64_t n, std::uint64_t seed);
  std::int64_t at(std::int64_t position) const;  // position in [0, n)

 private:
  std::uint64_t encrypt(std::uint64_t value) const;
  std::int64_t n_;
  int half_bits_;
  std::uint64_t half_mask_;
  std::uint64_t keys_[4];
};

class EpochBatches {
 public:
  enum class Shuffle { Held, Computed };
  EpochBatches(std::int64_t samples, std::uint64_t seed, std::int64_t batch_size, Shuffle shuffle, int rank = 0,
               int world_size = 1);

  std::size_t size() const;                        // batches left
  torch::Tensor indices(std::size_t batch) const;  // int64 sample indices
  std::int64_t samples_in(std::size_t batch) const;
  void skip(std::size_t batches);  // drops the first batches (done before a resumed checkpoint)

 private:
  std::int64_t sample_at(std::int64_t position) const;  // position in this rank's shard
  std::int64_t samples_, batch_size_, shard_size_;
  int rank_, world_size_;
  std::size_t first_batch_ = 0;
  std::vector<std::int64_t> held_;             // Shuffle::Held
  std::vector<ComputedPermutation> computed_;  // Shuffle::Computed: zero or one
};

}  // namespace cradle
