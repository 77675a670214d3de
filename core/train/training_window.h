#pragma once
// The steps between two lines of training metrics (a logged window): the loss
// and the accuracy (or, for regression, the absolute error) summed over its
// micro-batches, the samples and predictions counted, and where its time went.
// The sums stay on the device and are read only when the window closes, so a
// GPU is not synchronised on every step.
#include <torch/types.h>

#include <chrono>
#include <cstdint>

#include "core/train/events.h"

namespace cradle {

class DataParallelGroup;

class TrainingWindow {
 public:
  enum class Predictions { Classes, Numbers, Pairs };  // what `predictions` of add() hold
  TrainingWindow(torch::Device device, Predictions kind);

  // One micro-batch of `samples` samples: its mean loss over `flat_targets`
  // and the predictions it was computed from (without gradients).
  void add(const torch::Tensor& loss, const torch::Tensor& predictions, const torch::Tensor& flat_targets,
           std::int64_t samples);
  // Data-parallel runs: the window's figures over every rank's samples.
  void sum_over(DataParallelGroup& group);
  // The window's loss, accuracy or mean absolute error (in target units:
  // targets are standardised by `target_std`), throughput and time split;
  // then an empty window starts.
  StepMetrics close(std::int64_t step, std::int64_t epoch, double target_std);
  // Time the loop spent paused is not training time.
  void exclude(std::chrono::steady_clock::duration paused) { start_ += paused; }

  // Where the window's time went: on the CPU every operation has finished when
  // it returns, so the clock splits the step exactly (on a GPU these are launch times).
  double data_wait = 0, forward = 0, backward = 0, optimizer = 0;

 private:
  void reset();

  Predictions kind_;
  torch::Tensor loss_sum_, correct_, absolute_error_;
  std::int64_t samples_ = 0, predictions_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// Seconds since `t`.
inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace cradle
