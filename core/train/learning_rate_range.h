#pragma once
// The learning-rate range test (Smith, "Cyclical Learning Rates", 2017; the
// "LR finder" of fastai): the rate grows exponentially from min_lr to max_lr,
// one optimizer step each, and the loss is recorded; where it falls fastest
// is a good rate to train at. This part is arithmetic only (no LibTorch): the
// rates, the smoothed curve, when to give up, and the suggestion.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cradle {

struct LearningRateRange {
  double min_lr = 1e-7;
  double max_lr = 10.0;
  std::int64_t steps = 100;
  // The rate of 0-based step `step`: min_lr at 0, max_lr at steps - 1.
  double at(std::int64_t step) const;
};

// ConfigError naming the option when the range cannot be run.
void check_learning_rate_range(const LearningRateRange& range);

struct RangeTestPoint {
  double lr = 0;
  double loss = 0;      // the step's training loss
  double smoothed = 0;  // exponential moving average, bias-corrected
};

// Collects the points and says when the test has gone far enough: the
// smoothed loss above `divergence_factor` times its best, or not finite.
class RangeTestCurve {
 public:
  explicit RangeTestCurve(double smoothing = 0.9, double divergence_factor = 4.0);
  // False once the loss has diverged (that point is kept).
  bool add(double lr, double loss);
  const std::vector<RangeTestPoint>& points() const { return points_; }
  bool diverged() const { return diverged_; }

 private:
  double smoothing_, divergence_factor_;
  double average_ = 0, best_ = 0;
  std::vector<RangeTestPoint> points_;
  bool diverged_ = false;
};

struct LearningRateSuggestion {
  double lr = 0;
  std::string rule;        // how it was chosen, for the user
  double steepest_lr = 0;  // where the loss falls fastest against log(lr)
  double lowest_lr = 0;    // where it is lowest
};

// On a centred moving average of the raw losses (the curve's own average lags
// the rate by a factor of several): a tenth of the rate at the lowest loss
// (Smith's and fastai's rule), with the steepest fall before it for
// reference; none when the loss never falls.
std::optional<LearningRateSuggestion> suggest_learning_rate(const std::vector<RangeTestPoint>& points);

}  // namespace cradle
