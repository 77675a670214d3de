#pragma once
// Regression metrics accumulated batch by batch over a whole split: mean
// squared error, its root, mean absolute error and the coefficient of
// determination R². Sums only (R²'s total sum of squares by Welford's
// update), so memory does not grow with the split. No LibTorch.
//
// Conventions (as scikit-learn's r2_score): R² = 1 - SS_res / SS_tot; when
// every target is equal (SS_tot = 0) it is 1 for a perfect fit and 0
// otherwise. Empty input gives zeros.
#include <cstdint>
#include <vector>

namespace cradle {

struct RegressionReport {
  std::int64_t samples = 0;
  double mse = 0, rmse = 0, mae = 0, r2 = 0;
  double mean_residual = 0;  // mean of predicted - true: the bias
};

class RegressionMetrics {
 public:
  void add(const std::vector<double>& predictions, const std::vector<double>& targets);
  RegressionReport report() const;

 private:
  std::int64_t n_ = 0;
  double squared_ = 0, absolute_ = 0, residual_ = 0;
  double target_mean_ = 0, target_m2_ = 0;  // Welford: running mean and sum of squared deviations
};

}  // namespace cradle
