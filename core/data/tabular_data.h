#pragma once
// Classification and regression data from CSV files: numeric and categorical
// (one-hot, or an index for an embedding) feature columns, a target column, a
// missing-values policy, and scaling fitted on the training rows only
// (validation and test rows are encoded with the training statistics, as at
// prediction time).
#include <string>
#include <utility>
#include <vector>

#include "core/data/classification_data.h"
#include "core/data/table_encoding.h"
#include "core/experiment/experiment.h"

namespace cradle {

ClassificationData load_tabular_classification(const Experiment& experiment, SplitsToLoad which);

// The encoding fitted on the experiment's training rows (for a model bundle).
TableEncoding fit_table_encoding(const Experiment& experiment);

// What the encoding does to a few training rows, for `cradle-cli data preview`.
struct TablePreviewRow {
  std::string origin;                                    // file:line
  std::vector<std::pair<std::string, std::string>> raw;  // feature column, cell as read
  std::vector<double> encoded;                           // the model's input row
  std::string target_raw;
  double target_encoded = 0;  // class index, or the standardised number
};

struct TableColumnEncoding {
  std::string column, kind, how;  // kind: "numeric" | "categorical"; how: the fitted transformation
};

struct TablePreview {
  std::vector<std::string> encoded_columns;  // names of the model's input columns
  std::vector<TableColumnEncoding> column_encodings;
  std::string target;                     // how the target is encoded
  std::vector<std::int64_t> split_sizes;  // train, validation, test rows
  std::int64_t dropped_rows = 0;
  std::vector<TablePreviewRow> rows;  // the first training rows
};

TablePreview preview_table(const Experiment& experiment, std::int64_t samples);

}  // namespace cradle
