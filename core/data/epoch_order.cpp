#include "core/data/epoch_order.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/data/seeded_order.h"

namespace cradle {

ComputedPermutation::ComputedPermutation(std::int64_t n, std::uint64_t seed) : n_(n) {
  int bits = 2;
  while (bits < 62 && (std::uint64_t{1} << bits) < static_cast<std::uint64_t>(n)) bits += 2;
  half_bits_ = bits / 2;
  half_mask_ = (std::uint64_t{1} << half_bits_) - 1;
  SplitMix64 random(seed);
  for (auto& key : keys_) key = random.next();
}

std::uint64_t ComputedPermutation::encrypt(std::uint64_t value) const {
  // A balanced Feistel network over 2 * half_bits_ bits is a bijection for any
  // round function; splitmix64's finaliser mixes well enough for shuffling.
  std::uint64_t left = value >> half_bits_, right = value & half_mask_;
  for (const auto key : keys_) {
    std::uint64_t z = (right ^ key) + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const std::uint64_t next = left ^ (z & half_mask_);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

std::int64_t ComputedPermutation::at(std::int64_t position) const {
  // Cycle-walking: the domain is under 4n, so a few steps on average stay in [0, n).
  auto value = static_cast<std::uint64_t>(position);
  do value = encrypt(value);
  while (value >= static_cast<std::uint64_t>(n_));
  return static_cast<std::int64_t>(value);
}

EpochBatches::EpochBatches(std::int64_t samples, std::uint64_t seed, std::int64_t batch_size, Shuffle shuffle, int rank,
                           int world_size)
    : samples_(samples),
      batch_size_(batch_size),
      shard_size_(samples == 0 ? 0 : (samples + world_size - 1) / world_size),
      rank_(rank),
      world_size_(world_size) {
  if (shuffle == Shuffle::Held)
    held_ = seeded_permutation(samples, seed);
  else if (samples > 0)
    computed_.emplace_back(samples, seed);
}

std::int64_t EpochBatches::sample_at(std::int64_t position) const {
  // As rank_shard: rank r takes positions r, r + world, ...; the padding of the last round wraps to the start.
  const std::int64_t global = (rank_ + position * world_size_) % samples_;
  return held_.empty() ? computed_.front().at(global) : held_[static_cast<std::size_t>(global)];
}

std::size_t EpochBatches::size() const {
  const auto total = static_cast<std::size_t>((shard_size_ + batch_size_ - 1) / batch_size_);
  return total > first_batch_ ? total - first_batch_ : 0;
}

std::int64_t EpochBatches::samples_in(std::size_t batch) const {
  const auto begin = static_cast<std::int64_t>(first_batch_ + batch) * batch_size_;
  return std::max<std::int64_t>(0, std::min(shard_size_, begin + batch_size_) - begin);
}

torch::Tensor EpochBatches::indices(std::size_t batch) const {
  const auto begin = static_cast<std::int64_t>(first_batch_ + batch) * batch_size_;
  const std::int64_t count = samples_in(batch);
  auto out = torch::empty({count}, torch::kInt64);
  auto* values = out.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < count; ++i) values[i] = sample_at(begin + i);
  return out;
}

void EpochBatches::skip(std::size_t batches) { first_batch_ += batches; }

}  // namespace cradle
