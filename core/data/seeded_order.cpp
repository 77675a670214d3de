#include "core/data/seeded_order.h"

#include <cstddef>
#include <numeric>

namespace cradle {

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t bound) {
  // Rejection sampling removes the modulo bias.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value;
  do value = next();
  while (value >= limit);
  return value % bound;
}

std::vector<std::int64_t> seeded_permutation(std::int64_t n, std::uint64_t seed) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  SplitMix64 random(seed);
  for (std::int64_t i = n - 1; i > 0; --i)
    std::swap(order[static_cast<std::size_t>(i)], order[random.below(static_cast<std::uint64_t>(i) + 1)]);
  return order;
}

std::uint64_t epoch_seed(std::uint64_t run_seed, std::int64_t epoch) {
  SplitMix64 mix(run_seed ^ (0xD1B54A32D192ED03ull * static_cast<std::uint64_t>(epoch + 1)));
  return mix.next();
}

}  // namespace cradle
