#pragma once
// Scores a regression model (one output per sample, trained on standardised
// targets) on a dataset; the errors are in the target's own units.
#include <torch/nn.h>

#include <cstdint>
#include <string>

#include "core/data/tensor_dataset.h"

namespace cradle {

struct RegressionScores {
  double loss = 0;                    // the training loss (train.loss) on standardised targets
  double mse = 0, rmse = 0, mae = 0;  // in target units
  double r2 = 0;                      // 1 - residual / total sum of squares (of this split)
  std::int64_t samples = 0;
};

// The loss train.loss names: "mse" or "mae", on outputs [B] and targets [B].
torch::Tensor regression_loss(const std::string& kind, const torch::Tensor& outputs, const torch::Tensor& targets);

RegressionScores evaluate_regressor(torch::nn::Sequential& model, const TensorDataset& dataset, std::int64_t batch_size,
                                    torch::Device device, const std::string& loss, double target_std);

}  // namespace cradle
