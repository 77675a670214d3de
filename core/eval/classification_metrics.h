#pragma once
// Classification metrics accumulated batch by batch over a whole split:
// accuracy, top-k accuracy, the confusion matrix, precision / recall / F1 per
// class with macro, micro and weighted averages, ROC-AUC (one class against the
// rest; for two classes, the second class's), and expected calibration error.
// Counts and calibration bins stream; only ROC-AUC keeps each sample's
// probabilities, as ranking needs them. No LibTorch: plain numbers in, so the
// formulas are easy to check by hand (tests/core/classification_metrics_test.cpp).
//
// Conventions (as scikit-learn's with zero_division=0): a class never
// predicted has precision 0, a class absent from the labels has recall 0, F1
// is 0 when precision and recall are; ROC-AUC is undefined (absent) for a
// class with no positive or no negative sample. Empty input gives zeros.
#include <cstdint>
#include <optional>
#include <vector>

namespace cradle {

struct ClassScores {
  std::int64_t support = 0;    // samples of this class
  std::int64_t predicted = 0;  // samples predicted as this class
  double precision = 0, recall = 0, f1 = 0;
  std::optional<double> roc_auc;
};

struct AveragedScores {
  double precision = 0, recall = 0, f1 = 0;
};

struct ClassificationReport {
  std::int64_t samples = 0;
  double accuracy = 0;
  std::int64_t top_k = 0;
  double top_k_accuracy = 0;
  std::vector<std::vector<std::int64_t>> confusion;  // [true class][predicted class]
  std::vector<ClassScores> classes;
  AveragedScores macro, micro, weighted;
  std::optional<double> roc_auc;  // two classes: the second class's; more: the mean over classes where defined
  double expected_calibration_error = 0;
  std::int64_t calibration_bins = 0;
};

class ClassificationMetrics {
 public:
  explicit ClassificationMetrics(std::int64_t classes, std::int64_t top_k = 5, std::int64_t calibration_bins = 15);

  // `probabilities`: `labels.size()` rows of `classes` values, row-major, each
  // row a distribution (a model's softmax). The predicted class is a row's
  // largest value (the first on ties).
  void add(const std::vector<double>& probabilities, const std::vector<std::int64_t>& labels);
  ClassificationReport report() const;

 private:
  std::int64_t classes_, top_k_, bins_;
  std::int64_t samples_ = 0, top_k_hits_ = 0;
  std::vector<std::vector<std::int64_t>> confusion_;
  std::vector<double> bin_confidence_, bin_correct_;
  std::vector<std::int64_t> bin_count_;
  std::vector<std::vector<double>> scores_;  // per class: every sample's probability of it (for ROC-AUC)
  std::vector<std::int64_t> labels_;
};

// The area under the ROC curve of `scores` for the samples where `positive`
// is true against the rest (the Mann-Whitney statistic, ties counted half);
// absent without positives or negatives.
std::optional<double> roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive);

}  // namespace cradle
