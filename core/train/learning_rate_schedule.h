#pragma once
// The learning rate at every optimizer step, from train.schedule (see
// ScheduleSpec). Step-driven types are pure functions of the step; "plateau"
// also depends on the validation losses seen, which is its state.
#include <cstdint>
#include <limits>
#include <string>

#include "core/experiment/train_spec.h"
#include "core/train/events.h"

namespace cradle {

// Steps per epoch and in all for `train_samples` under `spec` (batches of
// spec.batch_size, spec.accumulate_steps of them per optimizer step).
TrainingPlan plan_training(const TrainSpec& spec, std::int64_t train_samples);

class LearningRateSchedule {
 public:
  LearningRateSchedule(const ScheduleSpec& spec, double base_lr, std::int64_t total_steps,
                       std::int64_t steps_per_epoch);

  // The rate for the optimizer step with 0-based index `step`.
  double at(std::int64_t step) const;

  // Plateau only: call after each validation; returns true when the rate was cut.
  bool observe_validation_loss(double loss);

  // What plateau remembers, for checkpoints.
  struct State {
    double scale = 1.0;
    double best = std::numeric_limits<double>::infinity();
    std::int64_t bad_epochs = 0;
  };
  const State& state() const { return state_; }
  void restore(const State& state) { state_ = state; }

  // Rates at the start, the end of warm-up and every tenth of the run, one line
  // each ("step 0 (epoch 1)  1.000e-03"), for `cradle-cli inspect`.
  std::string describe() const;

 private:
  ScheduleSpec spec_;
  double base_lr_;
  std::int64_t total_steps_, steps_per_epoch_;
  State state_;
};

}  // namespace cradle
