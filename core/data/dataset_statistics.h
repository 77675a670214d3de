#pragma once
// What `cradle-cli data stats` reports (and, later, the wizard's data page):
// per split the sample count and class histogram, the input shape and value
// range, and what the source left out.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/classification_data.h"

namespace cradle {

struct SplitStatistics {
  std::string split;
  std::int64_t samples = 0;
  std::vector<std::int64_t> class_counts;                                 // per class, in class_names order
  double input_mean = 0, input_std = 0, input_min = 0, input_max = 0;     // after normalisation
  std::optional<double> target_mean, target_std, target_min, target_max;  // regression, in target units
};

struct DatasetStatistics {
  std::vector<std::string> class_names;
  std::vector<std::int64_t> input_shape;
  std::vector<SplitStatistics> splits;  // train, validation, test
  std::vector<std::string> skipped_files;
  std::int64_t dropped_rows = 0;
};

DatasetStatistics compute_dataset_statistics(const ClassificationData& data);
nlohmann::ordered_json statistics_to_json(const DatasetStatistics& statistics);
std::string format_dataset_statistics(const DatasetStatistics& statistics);

}  // namespace cradle
