#pragma once
#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"

namespace cradle::test {

// Builds the experiment's model from its seed, trains it on `data` and returns
// the accuracy the trainer reports on the test split.
double train_to_test_accuracy(const Experiment& experiment, const ClassificationData& data);

}  // namespace cradle::test
