#pragma once
// Re-evaluates a finished run from its folder alone: the frozen experiment,
// the final weights and the test data it names.
#include <filesystem>
#include <optional>

#include "core/eval/classifier_evaluation.h"
#include "core/eval/regression_evaluation.h"

namespace cradle {

struct RunEvaluation {
  ClassifierScores test;  // classification and language models
  std::optional<double> reported_test_accuracy;  // from report.json, when present
  std::optional<RegressionScores> regression;     // regression (then `test` is unused)
};

RunEvaluation evaluate_run(const std::filesystem::path& run_dir);

}  // namespace cradle
