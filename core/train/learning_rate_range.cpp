#include "core/train/learning_rate_range.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/error.h"

namespace cradle {

double LearningRateRange::at(std::int64_t step) const {
  if (steps <= 1) return min_lr;
  const double t = static_cast<double>(step) / static_cast<double>(steps - 1);
  return min_lr * std::pow(max_lr / min_lr, t);
}

void check_learning_rate_range(const LearningRateRange& range) {
  const auto bad = [](const std::string& what) { throw ConfigError("learning-rate range test: " + what); };
  if (!(range.min_lr > 0) || !std::isfinite(range.min_lr)) bad("min_lr must be > 0");
  if (!(range.max_lr > range.min_lr) || !std::isfinite(range.max_lr)) bad("max_lr must be above min_lr");
  if (range.steps < 10) bad("steps must be at least 10, got " + std::to_string(range.steps));
}

RangeTestCurve::RangeTestCurve(double smoothing, double divergence_factor)
    : smoothing_(smoothing), divergence_factor_(divergence_factor) {}

bool RangeTestCurve::add(double lr, double loss) {
  if (diverged_) return false;
  RangeTestPoint point{lr, loss, loss};
  if (!std::isfinite(loss)) {
    point.smoothed = loss;
    points_.push_back(point);
    diverged_ = true;
    return false;
  }
  average_ = smoothing_ * average_ + (1 - smoothing_) * loss;
  // Bias correction: the average starts at 0, so early values are divided by the weight they have.
  point.smoothed = average_ / (1 - std::pow(smoothing_, static_cast<double>(points_.size() + 1)));
  if (points_.empty() || point.smoothed < best_) best_ = point.smoothed;
  points_.push_back(point);
  if (points_.size() > 1 && point.smoothed > divergence_factor_ * best_) diverged_ = true;
  return !diverged_;
}

std::optional<LearningRateSuggestion> suggest_learning_rate(const std::vector<RangeTestPoint>& points) {
  std::vector<RangeTestPoint> finite;
  for (const auto& p : points)
    if (std::isfinite(p.loss) && p.lr > 0) finite.push_back(p);
  const std::size_t n = finite.size();
  if (n < 10) return std::nullopt;
  // A centred moving average of the raw losses: the moving average the curve
  // shows lags behind the rate (by ~10 steps, a factor of several in the rate).
  const std::size_t half = std::max<std::size_t>(2, n / 20);
  std::vector<double> centred(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t from = i >= half ? i - half : 0, to = std::min(n - 1, i + half);
    double sum = 0;
    for (std::size_t j = from; j <= to; ++j) sum += finite[j].loss;
    centred[i] = sum / static_cast<double>(to - from + 1);
  }
  const auto lowest = static_cast<std::size_t>(std::min_element(centred.begin(), centred.end()) - centred.begin());
  if (lowest <= half) return std::nullopt;  // the loss never fell
  // The steepest descent of the centred average over log(lr), before its lowest point.
  double steepest = 0;
  std::size_t at = 0;
  for (std::size_t i = half; i < lowest; ++i) {
    const std::size_t before = i - 1, after = i + 1;
    const double slope =
        (centred[after] - centred[before]) / (std::log(finite[after].lr) - std::log(finite[before].lr));
    if (slope < steepest) steepest = slope, at = i;
  }
  if (steepest >= 0) return std::nullopt;
  // A tenth of the rate at the lowest loss: below where training turns unstable, with room for the loss to
  // keep falling (the steepest point alone is noisy and often far too low).
  char rule[300];
  std::snprintf(
      rule, sizeof rule, "a tenth of %.3g, where the loss is lowest; it falls fastest at %.3g%s", finite[lowest].lr,
      finite[at].lr,
      lowest + half >= n - 1 ? " (still falling at the end of the range: a larger max_lr may find more)" : "");
  return LearningRateSuggestion{finite[lowest].lr / 10, rule, finite[at].lr, finite[lowest].lr};
}

}  // namespace cradle
