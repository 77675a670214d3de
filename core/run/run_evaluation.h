#pragma once
// Evaluates a run from its folder alone (the frozen experiment, its weights,
// the data it names and its tokenizer) on one split: every metric of its task,
// accumulated batch by batch over the whole split, and the samples worth
// looking at (the most confident mistakes, a few of each class, generated text).
#include <filesystem>
#include <functional>
#include <string>

#include "core/data/tensor_dataset.h"
#include "core/eval/evaluation_result.h"
#include "core/eval/text_generation.h"

namespace cradle {

struct EvaluationRequest {
  std::filesystem::path run_dir;
  std::string split = "test";  // train, validation or test
  std::string checkpoint =
      "last";              // last (model/model.pt, else the newest checkpoint), best (checkpoints/best.pt), or a file
  std::int64_t top_k = 5;  // for top-k accuracy
  std::int64_t confident_mistakes = 16;
  std::int64_t samples_per_class = 4;
  std::int64_t prompts = 3;  // language models: texts generated from the first words of records spread over the split
  // Classifiers: also every sample's view in result.sample_views (a PNG
  // thumbnail or the text), for a gallery of any confusion-matrix cell.
  bool keep_sample_views = false;
  SamplingOptions sampling = default_report_sampling();
  // Image, table, text-classification and language-model runs: called with the
  // loaded model (on its device) and the split before evaluating; returns the
  // model to evaluate, the same or a transformed copy (an int8-compute one).
  // The quantize command times the models here.
  std::function<torch::nn::Sequential(torch::nn::Sequential, const TensorDataset&)> prepare_model;

  static SamplingOptions default_report_sampling();
};

// ConfigError for a bad split or checkpoint choice, IoError for a missing
// file, DataError for weights that do not fit the model.
EvaluationResult evaluate_run(const EvaluationRequest& request);

}  // namespace cradle
