#pragma once
// The seeded split of a list of records (dialogues, preference pairs) into
// training, validation and test, as text corpora are split: test_fraction
// held out first, then validation_fraction of the rest; data.max_test_samples
// and data.max_train_samples applied.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/data/seeded_order.h"
#include "core/data/splits.h"
#include "core/experiment/experiment.h"

namespace cradle {

template <typename Record>
struct RecordSplits {
  std::vector<Record> train, validation, test;
};

// DataError naming `what` (plural, e.g. "dialogues") when a split would be empty.
template <typename Record>
RecordSplits<Record> split_records(const std::vector<Record>& records, const Experiment& e, const std::string& what) {
  const auto n = static_cast<std::int64_t>(records.size());
  const auto order = seeded_permutation(n, e.seed ^ 0x7e57ull);
  const IndexSplit test = random_split(order, e.data.test_fraction);
  const IndexSplit validation = random_split(test.rest, e.data.validation_fraction);
  const auto test_count = static_cast<std::int64_t>(test.held_out.size());
  const auto validation_count = static_cast<std::int64_t>(validation.held_out.size());
  if (test_count < 1 || n - test_count - validation_count < 1 ||
      (e.data.validation_fraction > 0 && validation_count < 1))
    throw DataError("data: " + std::to_string(n) + " " + what + " are too few for test_fraction " +
                    std::to_string(e.data.test_fraction) + " and validation_fraction " +
                    std::to_string(e.data.validation_fraction) + " (every split needs one)");
  const auto take = [&](const std::vector<std::int64_t>& indices, std::int64_t limit) {
    std::vector<Record> out;
    for (const auto i : indices) {
      if (limit > 0 && static_cast<std::int64_t>(out.size()) >= limit) break;
      out.push_back(records[static_cast<std::size_t>(i)]);
    }
    return out;
  };
  return {take(validation.rest, e.data.max_train_samples), take(validation.held_out, 0),
          take(test.held_out, e.data.max_test_samples)};
}

}  // namespace cradle
