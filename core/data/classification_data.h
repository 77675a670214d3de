#pragma once
// The splits of an image-classification experiment, loaded from its data
// section: pixels scaled to [0, 1] and normalised, labels checked against the
// class list, a seeded validation split taken from the training file.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/data_splits.h"
#include "core/experiment/experiment.h"

namespace cradle {

struct ClassificationData : DataSplits {
  std::vector<std::string> class_names;
  std::vector<std::int64_t> input_shape;   // per sample: channels, height, width (images) or features (tables)
  std::vector<std::string> skipped_files;  // unreadable files left out (data.on_bad_file "skip")
  std::int64_t dropped_rows = 0;           // table rows with missing values (data.missing "drop_row")
  // Tables with data.categorical_encoding "embedding": the last input columns
  // hold category indices, one column per categorical feature; its number of
  // categories plus one (index 0: unknown or missing). Empty otherwise.
  std::vector<std::int64_t> category_sizes;
  std::vector<double> normalize_mean;  // images: the per-channel values applied (resolved "auto")
  std::vector<double> normalize_std;
  std::int64_t num_classes() const { return static_cast<std::int64_t>(class_names.size()); }
};

// TestOnly skips the training split, unless data.normalize is "auto", whose
// values come from it.
enum class SplitsToLoad { All, TestOnly };

ClassificationData load_classification_data(const Experiment& experiment, SplitsToLoad which = SplitsToLoad::All);

}  // namespace cradle
