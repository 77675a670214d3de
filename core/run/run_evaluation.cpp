#include "core/run/run_evaluation.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/classification_data.h"
#include "core/data/language_model_data.h"
#include "core/data/text_classification_data.h"
#include "core/models/model_factory.h"
#include "core/models/text_classifier.h"
#include "core/run/run_folder.h"
#include "core/train/checkpoint.h"
#include "core/train/runtime.h"

namespace cradle {
namespace {

std::optional<double> reported_test_accuracy(const RunFolder& run) {
  if (!std::filesystem::exists(run.report_file())) return std::nullopt;
  const Json report = parse_json_text(read_file(run.report_file()), run.report_file().string());
  const auto accuracy = report.value("/metrics/test/accuracy"_json_pointer, Json());
  if (accuracy.is_number()) return accuracy.get<double>();
  return std::nullopt;
}

}  // namespace

RunEvaluation evaluate_run(const std::filesystem::path& run_dir) {
  const RunFolder run = open_run_folder(run_dir);
  const Experiment experiment = load_experiment(run.experiment_file());
  configure_runtime(experiment.threads);
  const auto device = resolve_device(experiment.device);
  if (experiment.task == "language_model") {
    // The run's own tokenizer: a fresh one could number the characters differently.
    const auto data = load_language_model_data(experiment, load_tokenizer(run.tokenizer_file()));
    auto model = build_model(experiment.model, {experiment.data.context_length}, data.vocab_size(), {});
    if (!std::filesystem::exists(run.model_file()))
      throw IoError(run.model_file().string() + ": no final model; the run did not finish");
    load_model_weights(run.model_file(), *model);
    model->to(device);
    return {evaluate_classifier(model, data.test, experiment.eval.batch_size, device), reported_test_accuracy(run), std::nullopt};
  }
  if (is_text_classification(experiment)) {
    const auto data = load_text_classification_data(experiment, load_tokenizer(run.tokenizer_file()));
    auto model = build_text_classifier(experiment.model, experiment.data.context_length, data.vocab_size(), data.num_classes());
    if (!std::filesystem::exists(run.model_file()))
      throw IoError(run.model_file().string() + ": no final model; the run did not finish");
    load_model_weights(run.model_file(), *model);
    model->to(device);
    return {evaluate_classifier(model, data.test, experiment.eval.batch_size, device), reported_test_accuracy(run), std::nullopt};
  }
  const auto data = load_classification_data(experiment, SplitsToLoad::TestOnly);
  if (experiment.task == "regression") {
    auto model = build_model(experiment.model, data.input_shape, 1, data.category_sizes);
    if (!std::filesystem::exists(run.model_file()))
      throw IoError(run.model_file().string() + ": no final model; the run did not finish");
    load_model_weights(run.model_file(), *model);
    model->to(device);
    RunEvaluation result;
    result.regression = evaluate_regressor(model, data.test, experiment.eval.batch_size, device, experiment.train.loss,
                                           data.target_std);
    return result;
  }

  std::int64_t num_classes = data.num_classes();
  if (std::filesystem::exists(run.report_file())) {
    const Json report = parse_json_text(read_file(run.report_file()), run.report_file().string());
    // The class count of training decides the output layer; the test split may lack a class.
    if (report.contains("class_names") && report["class_names"].is_array())
      num_classes = static_cast<std::int64_t>(report["class_names"].size());
  }
  auto model = build_model(experiment.model, data.input_shape, num_classes, data.category_sizes);
  if (!std::filesystem::exists(run.model_file()))
    throw IoError(run.model_file().string() + ": no final model; the run did not finish");
  load_model_weights(run.model_file(), *model);
  model->to(device);
  return {evaluate_classifier(model, data.test, experiment.eval.batch_size, device), reported_test_accuracy(run), std::nullopt};
}

}  // namespace cradle
