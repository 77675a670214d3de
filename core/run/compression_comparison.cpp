#include "core/run/compression_comparison.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>

#include "core/common/error.h"
#include "core/compress/model_footprint.h"
#include "core/eval/classifier_evaluation.h"
#include "core/eval/regression_evaluation.h"
#include "core/hub/hub_checkpoint.h"
#include "core/hub/hub_model.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"

namespace cradle {
namespace {

// Test MAE for regression, perplexity for a language model, accuracy for a classifier.
std::string metric_name(const Experiment& e) {
  return e.task == Task::Regression ? "test_mae" : e.task == Task::LanguageModel ? "test_perplexity" : "test_accuracy";
}

double task_metric(const CompressedRun& run, torch::nn::Sequential& model) {
  const auto& e = run.experiment;
  if (e.task == Task::Regression)
    return evaluate_regressor(model, run.test, e.eval.batch_size, run.device, e.train.loss, run.target_std).mae;
  const auto scores = evaluate_classifier(model, run.test, e.eval.batch_size, run.device);
  return e.task == Task::LanguageModel ? std::exp(scores.loss) : scores.accuracy;
}

}  // namespace

Json compare_with_original(const CompressedRun& run) {
  if (run.test.size() == 0) throw DataError("compression report: the test split is empty");
  const auto& e = run.experiment;
  // A Hugging Face model folder (a teacher) comes with its weights; a run's are its last.
  const bool model_folder = is_hub_model_folder(run.original_run);
  const std::vector<std::filesystem::path> original_weights =
      model_folder ? hub_weight_files(run.original_run)
                   : std::vector<std::filesystem::path>{resolve_checkpoint(run.original_run, "last")};
  torch::nn::Sequential original = run.build_original();
  if (!model_folder) load_weights_file(original_weights.front(), *original);
  original->to(run.device);
  const auto inputs =
      run.test.slice(0, std::min<std::int64_t>(run.test.size(), e.train.batch_size)).inputs.to(run.device);
  const ModelFootprint before = measure_footprint(original, original_weights, inputs, e.train.batch_size);
  torch::nn::Sequential compressed = run.model;  // a handle: the same module
  const ModelFootprint after = measure_footprint(compressed, run.weights, inputs, e.train.batch_size);
  const std::string metric = metric_name(e);
  Json out = compression_comparison(before, after, metric, task_metric(run, original), task_metric(run, compressed));
  out["original_run"] = run.original_run.string();
  return out;
}

std::string describe_comparison(const Json& c) {
  const Json& a = c["original"];
  const Json& b = c["compressed"];
  const std::string metric = c["metric"].get<std::string>();
  char line[600];
  std::snprintf(
      line, sizeof line,
      "against %s: %s %.4f -> %.4f, parameters %lld -> %lld (non-zero %lld -> %lld), weights file %lld -> %lld bytes "
      "(zlib %lld -> %lld), %.4f -> %.4f ms per sample at batch 1",
      c["original_run"].get<std::string>().c_str(), metric.c_str(), a[metric].get<double>(), b[metric].get<double>(),
      a["parameters"].get<long long>(), b["parameters"].get<long long>(), a["nonzero_parameters"].get<long long>(),
      b["nonzero_parameters"].get<long long>(), a["file_bytes"].get<long long>(), b["file_bytes"].get<long long>(),
      a["compressed_bytes"].get<long long>(), b["compressed_bytes"].get<long long>(),
      a["latency_ms_per_sample"]["batch_1"].get<double>(), b["latency_ms_per_sample"]["batch_1"].get<double>());
  return line;
}

}  // namespace cradle
