#include "core/eval/regression_metrics.h"

#include <cmath>
#include <stdexcept>

namespace cradle {

void RegressionMetrics::add(const std::vector<double>& predictions, const std::vector<double>& targets) {
  if (predictions.size() != targets.size())
    throw std::invalid_argument("RegressionMetrics::add: " + std::to_string(predictions.size()) + " predictions for " +
                                std::to_string(targets.size()) + " targets");
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const double residual = predictions[i] - targets[i];
    squared_ += residual * residual;
    absolute_ += std::abs(residual);
    residual_ += residual;
    ++n_;
    const double delta = targets[i] - target_mean_;
    target_mean_ += delta / static_cast<double>(n_);
    target_m2_ += delta * (targets[i] - target_mean_);
  }
}

RegressionReport RegressionMetrics::report() const {
  RegressionReport r;
  r.samples = n_;
  if (n_ == 0) return r;
  const double n = static_cast<double>(n_);
  r.mse = squared_ / n;
  r.rmse = std::sqrt(r.mse);
  r.mae = absolute_ / n;
  r.mean_residual = residual_ / n;
  if (target_m2_ > 0)
    r.r2 = 1.0 - squared_ / target_m2_;
  else
    r.r2 = squared_ == 0 ? 1.0 : 0.0;
  return r;
}

}  // namespace cradle
