#pragma once
// Classification data from CSV files: numeric and categorical (one-hot)
// feature columns, a target column, a missing-values policy, and scaling
// fitted on the training rows only (validation and test rows are encoded with
// the training statistics, as at prediction time).
#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"

namespace cradle {

ClassificationData load_tabular_classification(const Experiment& experiment, SplitsToLoad which);

}  // namespace cradle
