#include "core/eval/classification_metrics.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace cradle {

ClassificationMetrics::ClassificationMetrics(std::int64_t classes, std::int64_t top_k, std::int64_t calibration_bins)
    : classes_(classes),
      top_k_(std::min(top_k, classes)),
      bins_(calibration_bins),
      confusion_(static_cast<size_t>(classes), std::vector<std::int64_t>(static_cast<size_t>(classes), 0)),
      bin_confidence_(static_cast<size_t>(calibration_bins), 0.0),
      bin_correct_(static_cast<size_t>(calibration_bins), 0.0),
      bin_count_(static_cast<size_t>(calibration_bins), 0),
      scores_(static_cast<size_t>(classes)) {
  if (classes < 1 || calibration_bins < 1)
    throw std::invalid_argument("ClassificationMetrics: needs a class and a bin");
}

void ClassificationMetrics::add(const std::vector<double>& probabilities, const std::vector<std::int64_t>& labels) {
  const auto c = static_cast<size_t>(classes_);
  if (probabilities.size() != labels.size() * c)
    throw std::invalid_argument("ClassificationMetrics: " + std::to_string(probabilities.size()) +
                                " probabilities for " + std::to_string(labels.size()) + " labels of " +
                                std::to_string(classes_) + " classes");
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto label = labels[i];
    if (label < 0 || label >= classes_)
      throw std::invalid_argument("ClassificationMetrics: label " + std::to_string(label));
    const double* row = probabilities.data() + i * c;
    const auto predicted = static_cast<size_t>(std::max_element(row, row + c) - row);
    ++confusion_[static_cast<size_t>(label)][predicted];
    // Top-k: the label is among the k largest (its rank counts strictly larger values only).
    const auto larger = std::count_if(row, row + c, [&](double p) { return p > row[label]; });
    top_k_hits_ += larger < top_k_;
    const double confidence = row[predicted];
    const auto bin =
        std::min<std::int64_t>(bins_ - 1, static_cast<std::int64_t>(confidence * static_cast<double>(bins_)));
    bin_confidence_[static_cast<size_t>(bin)] += confidence;
    bin_correct_[static_cast<size_t>(bin)] += predicted == static_cast<size_t>(label) ? 1.0 : 0.0;
    ++bin_count_[static_cast<size_t>(bin)];
    for (size_t k = 0; k < c; ++k) scores_[k].push_back(row[k]);
    labels_.push_back(label);
    ++samples_;
  }
}

std::optional<double> roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  const size_t n = scores.size();
  const auto positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::nullopt;
  // Rank every score (ties share their mean rank); AUC = (rank sum of positives - P(P+1)/2) / (P N).
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double positive_ranks = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) ++j;
    const double rank =
        (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;  // 1-based mean rank of the tie group
    for (size_t k = i; k <= j; ++k)
      if (positive[order[k]]) positive_ranks += rank;
    i = j + 1;
  }
  return (positive_ranks - positives * (positives + 1) / 2) / (positives * negatives);
}

ClassificationReport ClassificationMetrics::report() const {
  ClassificationReport r;
  r.samples = samples_;
  r.top_k = top_k_;
  r.confusion = confusion_;
  r.calibration_bins = bins_;
  const auto c = static_cast<size_t>(classes_);
  std::int64_t correct = 0;
  for (size_t k = 0; k < c; ++k) correct += confusion_[k][k];
  const auto n = static_cast<double>(samples_);
  if (samples_ > 0) {
    r.accuracy = static_cast<double>(correct) / n;
    r.top_k_accuracy = static_cast<double>(top_k_hits_) / n;
  }
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  double auc_sum = 0;
  int auc_count = 0;
  for (size_t k = 0; k < c; ++k) {
    ClassScores s;
    for (size_t j = 0; j < c; ++j) {
      s.support += confusion_[k][j];
      s.predicted += confusion_[j][k];
    }
    const auto tp = static_cast<double>(confusion_[k][k]);
    s.precision = ratio(tp, static_cast<double>(s.predicted));
    s.recall = ratio(tp, static_cast<double>(s.support));
    s.f1 = ratio(2 * s.precision * s.recall, s.precision + s.recall);
    std::vector<bool> positive(labels_.size());
    for (size_t i = 0; i < labels_.size(); ++i) positive[i] = labels_[i] == static_cast<std::int64_t>(k);
    s.roc_auc = roc_auc(scores_[k], positive);
    if (s.roc_auc) auc_sum += *s.roc_auc, ++auc_count;
    r.macro.precision += s.precision / static_cast<double>(c);
    r.macro.recall += s.recall / static_cast<double>(c);
    r.macro.f1 += s.f1 / static_cast<double>(c);
    if (samples_ > 0) {
      const double weight = static_cast<double>(s.support) / n;
      r.weighted.precision += weight * s.precision;
      r.weighted.recall += weight * s.recall;
      r.weighted.f1 += weight * s.f1;
    }
    r.classes.push_back(s);
  }
  // One label and one prediction per sample: every wrong prediction is one
  // false positive and one false negative, so micro averages equal accuracy.
  r.micro = {r.accuracy, r.accuracy, r.accuracy};
  if (c == 2)
    r.roc_auc = r.classes[1].roc_auc;
  else if (auc_count > 0)
    r.roc_auc = auc_sum / auc_count;
  for (size_t b = 0; b < static_cast<size_t>(bins_); ++b)
    if (bin_count_[b] > 0) r.expected_calibration_error += std::abs(bin_correct_[b] - bin_confidence_[b]) / n;
  return r;
}

}  // namespace cradle
