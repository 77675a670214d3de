#pragma once
// Seeded permutations that are identical on every platform and standard
// library (std::shuffle is not), so a seed names one data order everywhere.
#include <cstdint>
#include <vector>

namespace cradle {

// splitmix64: a tiny, well-mixed generator; enough for shuffling.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::uint64_t below(std::uint64_t bound);  // uniform in [0, bound), bound > 0

 private:
  std::uint64_t state_;
};

std::vector<std::int64_t> seeded_permutation(std::int64_t n, std::uint64_t seed);

// Seed for the data order of one epoch, derived so epochs differ but a run
// resumed at epoch e sees the same order as an uninterrupted one.
std::uint64_t epoch_seed(std::uint64_t run_seed, std::int64_t epoch);

}  // namespace cradle
