#include "core/train/learning_rate_schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace cradle {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Cosine interpolation from `start` (pct 0) to `end` (pct 1), as PyTorch's OneCycleLR anneals.
double cosine_between(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1.0);
}

}  // namespace

LearningRateSchedule::LearningRateSchedule(const ScheduleSpec& spec, double base_lr, std::int64_t total_steps,
                                           std::int64_t steps_per_epoch)
    : spec_(spec),
      base_lr_(base_lr),
      total_steps_(std::max<std::int64_t>(1, total_steps)),
      steps_per_epoch_(std::max<std::int64_t>(1, steps_per_epoch)) {}

double LearningRateSchedule::at(std::int64_t step) const {
  const auto& s = spec_;
  if (s.type == "one_cycle") {
    // PyTorch's OneCycleLR (two phases, cosine annealing).
    const double start = base_lr_ / s.div_factor, end = start / s.final_div_factor;
    const double peak_step = s.pct_start * static_cast<double>(total_steps_) - 1.0;
    const double last_step = static_cast<double>(total_steps_) - 1.0;
    const double t = static_cast<double>(std::min(step, total_steps_ - 1));
    if (t <= peak_step) return cosine_between(start, base_lr_, peak_step > 0 ? t / peak_step : 1.0);
    return cosine_between(base_lr_, end, last_step > peak_step ? (t - peak_step) / (last_step - peak_step) : 1.0);
  }
  double lr = base_lr_;
  const std::int64_t epoch = step / steps_per_epoch_;  // 0-based
  if (s.type == "step") {
    lr = base_lr_ * std::pow(s.gamma, static_cast<double>(epoch / s.step_epochs));
  } else if (s.type == "exponential") {
    lr = base_lr_ * std::pow(s.gamma, static_cast<double>(epoch));
  } else if (s.type == "cosine" || s.type == "linear") {
    // Decay over the steps after warm-up towards min_lr at the end of the run
    // (reached one step after the last, as Hugging Face's schedules do, so no step is wasted at min_lr).
    const double span = static_cast<double>(std::max<std::int64_t>(1, total_steps_ - s.warmup_steps));
    const double progress = std::clamp(static_cast<double>(step - s.warmup_steps) / span, 0.0, 1.0);
    lr =
        s.type == "cosine" ? cosine_between(base_lr_, s.min_lr, progress) : base_lr_ + (s.min_lr - base_lr_) * progress;
  } else if (s.type == "plateau") {
    lr = std::max(s.min_lr, base_lr_ * state_.scale);
  }
  if (step < s.warmup_steps) lr *= static_cast<double>(step + 1) / static_cast<double>(s.warmup_steps);
  return lr;
}

bool LearningRateSchedule::observe_validation_loss(double loss) {
  if (spec_.type != "plateau") return false;
  if (loss < state_.best - spec_.min_delta) {
    state_.best = loss;
    state_.bad_epochs = 0;
    return false;
  }
  if (++state_.bad_epochs <= spec_.patience) return false;
  state_.scale *= spec_.factor;
  state_.bad_epochs = 0;
  return true;
}

std::string LearningRateSchedule::describe() const {
  std::set<std::int64_t> steps = {0, total_steps_ - 1};
  if (spec_.type != "one_cycle" && spec_.warmup_steps > 0 && spec_.warmup_steps < total_steps_) {
    steps.insert(spec_.warmup_steps - 1);
    steps.insert(spec_.warmup_steps);
  }
  if (spec_.type == "one_cycle")
    steps.insert(static_cast<std::int64_t>(spec_.pct_start * static_cast<double>(total_steps_)) - 1);
  for (int tenth = 1; tenth < 10; ++tenth) steps.insert(total_steps_ * tenth / 10);
  std::string text = "learning rate: " + spec_.type + " over " + std::to_string(total_steps_) + " steps (" +
                     std::to_string(steps_per_epoch_) + " per epoch)";
  if (spec_.type == "plateau")
    text += "; cut by " + std::to_string(spec_.factor).substr(0, 6) + " when the validation loss stalls";
  text += "\n";
  for (const auto step : steps) {
    if (step < 0 || step >= total_steps_) continue;
    char line[96];
    std::snprintf(line, sizeof line, "  step %-8lld epoch %-6lld %.3e\n", static_cast<long long>(step),
                  static_cast<long long>(step / steps_per_epoch_ + 1), at(step));
    text += line;
  }
  return text;
}

TrainingPlan plan_training(const TrainSpec& spec, std::int64_t train_samples) {
  const std::int64_t micro_batches = (train_samples + spec.batch_size - 1) / spec.batch_size;
  TrainingPlan plan;
  plan.epochs = spec.epochs;
  plan.steps_per_epoch = (micro_batches + spec.accumulate_steps - 1) / spec.accumulate_steps;
  plan.total_steps = plan.epochs * plan.steps_per_epoch;
  plan.train_samples = train_samples;
  plan.batch_size = spec.batch_size;
  return plan;
}

}  // namespace cradle
