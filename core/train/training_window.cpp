#include "core/train/training_window.h"

#include <torch/torch.h>

#include <cmath>

#include "core/distributed/data_parallel_group.h"

namespace cradle {

TrainingWindow::TrainingWindow(torch::Device device, Predictions kind) : kind_(kind) {
  const auto options = torch::TensorOptions().device(device);
  loss_sum_ = torch::zeros({}, options.dtype(torch::kFloat64));
  correct_ = torch::zeros({}, options.dtype(torch::kInt64));
  absolute_error_ = torch::zeros({}, options.dtype(torch::kFloat64));
  start_ = std::chrono::steady_clock::now();
}

void TrainingWindow::add(const torch::Tensor& loss, const torch::Tensor& predictions, const torch::Tensor& flat_targets,
                         std::int64_t samples) {
  torch::NoGradGuard no_grad;
  loss_sum_ += loss.detach().to(torch::kFloat64) * static_cast<double>(flat_targets.numel());
  switch (kind_) {
    case Predictions::Numbers:
      absolute_error_ += (predictions.detach() - flat_targets).abs().sum().to(torch::kFloat64);
      break;
    case Predictions::Pairs:  // [B, 2] rewards, the chosen reply first
      correct_ += predictions.select(1, 0).gt(predictions.select(1, 1)).sum();
      break;
    case Predictions::Classes: correct_ += predictions.argmax(1).eq(flat_targets).sum(); break;
  }
  samples_ += samples;
  predictions_ += flat_targets.numel();
}

void TrainingWindow::sum_over(DataParallelGroup& group) {
  auto sums = torch::stack({loss_sum_.cpu(), correct_.cpu().to(torch::kFloat64), absolute_error_.cpu(),
                            torch::tensor(static_cast<double>(samples_), torch::kFloat64),
                            torch::tensor(static_cast<double>(predictions_), torch::kFloat64)});
  group.sum(sums);
  loss_sum_.fill_(sums[0].item<double>());
  correct_.fill_(static_cast<std::int64_t>(std::llround(sums[1].item<double>())));
  absolute_error_.fill_(sums[2].item<double>());
  samples_ = std::llround(sums[3].item<double>());
  predictions_ = std::llround(sums[4].item<double>());
}

StepMetrics TrainingWindow::close(std::int64_t step, std::int64_t epoch, double target_std) {
  const double seconds = seconds_since(start_);
  StepMetrics m;
  m.step = step;
  m.epoch = epoch;
  const auto predictions = static_cast<double>(predictions_);
  m.loss = loss_sum_.item<double>() / predictions;
  if (kind_ == Predictions::Numbers)
    m.mae = absolute_error_.item<double>() / predictions * target_std;
  else
    m.accuracy = static_cast<double>(correct_.item<std::int64_t>()) / predictions;
  m.samples_per_second = seconds > 0 ? static_cast<double>(samples_) / seconds : 0;
  m.data_wait_seconds = data_wait;
  m.forward_seconds = forward;
  m.backward_seconds = backward;
  m.optimizer_seconds = optimizer;
  reset();
  return m;
}

void TrainingWindow::reset() {
  loss_sum_.zero_();
  correct_.zero_();
  absolute_error_.zero_();
  samples_ = predictions_ = 0;
  data_wait = forward = backward = optimizer = 0;
  start_ = std::chrono::steady_clock::now();
}

}  // namespace cradle
