#pragma once
// What evaluating a run on one split found: the metrics of its task and the
// samples worth looking at. Filled by evaluate_run (core/run/run_evaluation.h),
// written as report.json, report.html and predictions.csv by
// core/eval/evaluation_report.h, and shown by the studio.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/classification_metrics.h"
#include "core/eval/language_model_metrics.h"
#include "core/eval/preference_evaluation.h"
#include "core/eval/regression_metrics.h"
#include "core/experiment/task.h"

namespace cradle {

// One classified sample.
struct Prediction {
  std::int64_t index = 0;  // in the split
  std::int64_t label = 0, predicted = 0;
  double probability = 0;        // of the predicted class
  double label_probability = 0;  // of the true class
};

// A sample shown to the reader: a prediction and what was classified.
struct InspectedSample {
  Prediction prediction;
  std::string png;   // images: a thumbnail (PNG bytes)
  std::string text;  // texts: the text as the model saw it
};

struct RegressionPoint {
  std::int64_t index = 0;
  double truth = 0, predicted = 0;
};

struct GeneratedSample {
  std::string prompt, text, finish_reason;
  std::int64_t tokens = 0;
  double tokens_per_second = 0;
  std::optional<double> score;  // a PPO policy's reply, scored by its reward
};

// A PPO policy's replies to every prompt of a split, scored by its stage's reward.
struct PolicyScores {
  double score = 0;            // mean
  double ended_turn = 0;       // share of replies that ended their turn
  double response_tokens = 0;  // mean
  std::int64_t prompts = 0;
  std::string reward;  // what scored them
};

struct EvaluationResult {
  std::string run;         // the run folder
  std::string experiment;  // its name
  Task task = Task::Classification;
  std::string model_type;
  std::string split;       // train, validation, test
  std::string checkpoint;  // last, best, or the file given
  std::string weights_file;
  std::string evaluated_at;  // UTC, ISO 8601
  std::int64_t samples = 0;  // sequences for a language model
  double loss = 0;           // the task's loss (mean cross-entropy; regression: train.loss on standardised targets)
  double seconds = 0;

  std::vector<std::string> class_names;
  std::optional<ClassificationReport> classification;
  std::vector<Prediction> predictions;              // every sample, in split order (predictions.csv)
  std::vector<InspectedSample> confident_mistakes;  // wrong with the highest probability first
  std::vector<InspectedSample> class_samples;       // the first few of each true class
  // With EvaluationRequest::keep_sample_views: per sample, in split order, a PNG
  // thumbnail (images) or the text (text classifiers); empty for tables.
  std::vector<std::string> sample_views;

  std::optional<RegressionReport> regression;
  std::vector<RegressionPoint> regression_points;  // every sample, in target units

  std::optional<LanguageModelReport> language_model;
  std::optional<PreferenceScores> preferences;  // reward models: pairs ordered right, reward gap
  std::optional<PolicyScores> policy;           // PPO policies
  std::string sampling;                         // the generation settings, in words
  std::vector<GeneratedSample> generations;

  std::optional<double> training_report_accuracy;  // report.json's test accuracy, for the test split
};

}  // namespace cradle
