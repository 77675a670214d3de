#pragma once
// Finding duplicate records: exact (same text after case folding and
// whitespace collapsing) and near (MinHash signatures over code-point
// shingles, banded into LSH buckets so only likely pairs are compared). The
// first record of each group is kept; the result says, for every later one,
// which record it duplicates.
#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct Duplicate {
  std::size_t index;  // the record removed
  std::size_t kept;   // the earlier record it duplicates
  double similarity;  // 1 for exact duplicates; the estimated Jaccard similarity otherwise
};

std::vector<Duplicate> find_exact_duplicates(const std::vector<std::string>& texts);

struct NearDuplicateOptions {
  std::int64_t shingle_size = 5;
  double threshold = 0.8;
  std::int64_t num_hashes = 128;
  std::int64_t bands = 0;  // 0: chosen from the threshold
  std::uint64_t seed = 0x5eed;
};

std::vector<Duplicate> find_near_duplicates(const std::vector<std::string>& texts, const NearDuplicateOptions& options);

// MinHash signature of a text's shingles (exposed for tests).
std::vector<std::uint64_t> minhash_signature(const std::string& text, const NearDuplicateOptions& options);

// The number of bands b (rows r = num_hashes / b) whose S-curve (1 - (1 - s^r)^b)
// best separates pairs below the threshold from pairs above it.
std::int64_t choose_lsh_bands(std::int64_t num_hashes, double threshold);

}  // namespace cradle
