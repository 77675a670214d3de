#pragma once
// The three splits every task trains, validates and tests on.
#include "core/data/tensor_dataset.h"

namespace cradle {

struct DataSplits {
  TensorDataset train;
  TensorDataset validation;  // empty when validation_fraction is 0
  TensorDataset test;
  // Regression: targets are stored standardised, (y - target_mean) / target_std,
  // with the training split's statistics; errors are reported in y's units.
  double target_mean = 0;
  double target_std = 1;
};

}  // namespace cradle
