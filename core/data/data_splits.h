#pragma once
// The three splits every task trains, validates and tests on.
#include "core/data/tensor_dataset.h"

namespace cradle {

struct DataSplits {
  TensorDataset train;
  TensorDataset validation;  // empty when validation_fraction is 0
  TensorDataset test;
};

}  // namespace cradle
