#include "core/eval/regression_evaluation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace cradle {

torch::Tensor regression_loss(const std::string& kind, const torch::Tensor& outputs, const torch::Tensor& targets) {
  return kind == "mae" ? torch::nn::functional::l1_loss(outputs, targets)
                       : torch::nn::functional::mse_loss(outputs, targets);
}

RegressionScores evaluate_regressor(torch::nn::Sequential& model, const TensorDataset& dataset, std::int64_t batch_size,
                                    torch::Device device, const std::string& loss, double target_std) {
  RegressionScores scores;
  scores.samples = dataset.size();
  if (scores.samples == 0) return scores;
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  const auto sum = [&] { return torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device)); };
  auto loss_sum = sum(), squared = sum(), absolute = sum(), target_sum = sum(), target_squares = sum();
  for (std::int64_t begin = 0; begin < scores.samples; begin += batch_size) {
    const auto batch = dataset.slice(begin, std::min(scores.samples, begin + batch_size));
    const auto targets = batch.targets.to(device);
    const auto outputs = model->forward(batch.inputs.to(device)).reshape({-1});
    const auto n = static_cast<double>(targets.size(0));
    loss_sum += regression_loss(loss, outputs, targets).to(torch::kFloat64) * n;
    const auto error = (outputs - targets).to(torch::kFloat64);
    squared += error.square().sum();
    absolute += error.abs().sum();
    target_sum += targets.to(torch::kFloat64).sum();
    target_squares += targets.to(torch::kFloat64).square().sum();
  }
  if (was_training) model->train();
  const auto n = static_cast<double>(scores.samples);
  scores.loss = loss_sum.item<double>() / n;
  // Standardised units times the training deviation are target units.
  scores.mse = squared.item<double>() / n * target_std * target_std;
  scores.rmse = std::sqrt(scores.mse);
  scores.mae = absolute.item<double>() / n * target_std;
  const double mean = target_sum.item<double>() / n;
  const double total = target_squares.item<double>() - n * mean * mean;
  scores.r2 = total > 0 ? 1 - squared.item<double>() / total : 0;
  return scores;
}

}  // namespace cradle
