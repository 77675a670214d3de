#include "core/text/text_dedup.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/data/seeded_order.h"
#include "core/text/text_cleaning.h"

namespace cradle {
namespace {

std::uint64_t mix_bits(std::uint64_t x) { return SplitMix64(x).next(); }

// What two records must share to count as the same text.
std::string dedup_key(const std::string& text) { return to_lower_case(collapse_whitespace(text, false)); }

std::vector<std::uint32_t> code_points(const std::string& text) {
  std::vector<std::uint32_t> points;
  points.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::uint32_t value = 0;
    for (std::size_t k = 0; k < length && i + k < text.size(); ++k)
      value = (value << 8) | static_cast<unsigned char>(text[i + k]);
    points.push_back(value);  // the UTF-8 bytes packed: unique per code point, no decoding needed
    i += length;
  }
  return points;
}

}  // namespace

std::vector<Duplicate> find_exact_duplicates(const std::vector<std::string>& texts) {
  std::unordered_map<std::string, std::size_t> first;
  std::vector<Duplicate> duplicates;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto [it, inserted] = first.emplace(dedup_key(texts[i]), i);
    if (!inserted) duplicates.push_back({i, it->second, 1.0});
  }
  return duplicates;
}

std::vector<std::uint64_t> minhash_signature(const std::string& text, const NearDuplicateOptions& options) {
  const auto points = code_points(dedup_key(text));
  const auto k = static_cast<std::size_t>(options.shingle_size);
  const auto n = static_cast<std::size_t>(options.num_hashes);
  // One shingle hash per position, then n universal-style permutations
  // h_i(x) = a_i * x + b_i (odd a_i, mod 2^64) of the mixed shingle hash.
  std::vector<std::uint64_t> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = mix_bits(options.seed + 2 * i) | 1u;
    b[i] = mix_bits(options.seed + 2 * i + 1);
  }
  std::vector<std::uint64_t> signature(n, std::numeric_limits<std::uint64_t>::max());
  const std::size_t shingles = points.size() >= k ? points.size() - k + 1 : (points.empty() ? 0 : 1);
  for (std::size_t s = 0; s < shingles; ++s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (std::size_t j = s; j < std::min(s + k, points.size()); ++j) h = mix_bits(h ^ points[j]);
    for (std::size_t i = 0; i < n; ++i) signature[i] = std::min(signature[i], a[i] * h + b[i]);
  }
  return signature;
}

std::int64_t choose_lsh_bands(std::int64_t num_hashes, double threshold) {
  // Minimise the area of false positives (below the threshold) plus false
  // negatives (above it) under the S-curve, as datasketch does.
  const auto integrate = [](auto f, double lo, double hi) {
    const int steps = 200;
    double sum = 0, width = (hi - lo) / steps;
    for (int i = 0; i < steps; ++i) sum += f(lo + (i + 0.5) * width) * width;
    return sum;
  };
  std::int64_t best = 1;
  double best_error = std::numeric_limits<double>::infinity();
  for (std::int64_t bands = 1; bands <= num_hashes; ++bands) {
    if (num_hashes % bands != 0) continue;
    const double rows = static_cast<double>(num_hashes / bands);
    const auto candidate = [&](double s) { return 1 - std::pow(1 - std::pow(s, rows), static_cast<double>(bands)); };
    const double error =
        integrate(candidate, 0, threshold) + integrate([&](double s) { return 1 - candidate(s); }, threshold, 1);
    if (error < best_error) best_error = error, best = bands;
  }
  return best;
}

std::vector<Duplicate> find_near_duplicates(const std::vector<std::string>& texts,
                                            const NearDuplicateOptions& options) {
  const std::int64_t bands =
      options.bands > 0 ? options.bands : choose_lsh_bands(options.num_hashes, options.threshold);
  const auto rows = static_cast<std::size_t>(options.num_hashes / bands);
  std::vector<std::vector<std::uint64_t>> kept_signatures(texts.size());
  // Per band: bucket key -> the kept records that fell in it.
  std::vector<std::unordered_map<std::uint64_t, std::vector<std::size_t>>> buckets(static_cast<std::size_t>(bands));
  std::vector<Duplicate> duplicates;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto signature = minhash_signature(texts[i], options);
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(bands));
    for (std::size_t band = 0; band < keys.size(); ++band) {
      std::uint64_t key = 0x9e3779b97f4a7c15ULL;
      for (std::size_t r = 0; r < rows; ++r) key = mix_bits(key ^ signature[band * rows + r]);
      keys[band] = key;
    }
    // Compare with the kept records sharing a bucket; the most similar above the threshold wins.
    std::size_t match = i;
    double match_similarity = 0;
    for (std::size_t band = 0; band < keys.size() && match_similarity < 1.0; ++band) {
      const auto found = buckets[band].find(keys[band]);
      if (found == buckets[band].end()) continue;
      for (const std::size_t other : found->second) {
        const auto& theirs = kept_signatures[other];
        std::size_t equal = 0;
        for (std::size_t h = 0; h < signature.size(); ++h) equal += signature[h] == theirs[h];
        const double similarity = static_cast<double>(equal) / static_cast<double>(signature.size());
        if (similarity >= options.threshold && similarity > match_similarity)
          match = other, match_similarity = similarity;
      }
    }
    if (match != i) {
      duplicates.push_back({i, match, match_similarity});
      continue;
    }
    for (std::size_t band = 0; band < keys.size(); ++band) buckets[band][keys[band]].push_back(i);
    kept_signatures[i] = std::move(signature);
  }
  return duplicates;
}

}  // namespace cradle
