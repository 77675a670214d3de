#pragma once
// Dividing a seeded order of samples into a held-out part and the rest.
#include <cstdint>
#include <vector>

namespace cradle {

struct IndexSplit {
  std::vector<std::int64_t> held_out;
  std::vector<std::int64_t> rest;
};

// Stratified: each class gives round(fraction x its count) samples to
// held_out, the first ones in `order`; a seeded permutation as `order` makes it
// a seeded stratified sample. Both parts keep `order`'s sequence.
IndexSplit stratified_split(const std::vector<std::int64_t>& order, const std::vector<std::int64_t>& labels,
                            double fraction);

// Plain: the first round(fraction x size) of `order` are held out.
IndexSplit random_split(const std::vector<std::int64_t>& order, double fraction);

// stratified_split or random_split, as data.stratify says.
IndexSplit split_by_labels(const std::vector<std::int64_t>& order, const std::vector<std::int64_t>& labels,
                           double fraction, bool stratify);

}  // namespace cradle
