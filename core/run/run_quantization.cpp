#include "core/run/run_quantization.h"

#include <torch/torch.h>

#include <cstdio>
#include <functional>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/compress/dynamic_int8_linear.h"
#include "core/compress/int8_weights.h"
#include "core/compress/model_footprint.h"
#include "core/experiment/experiment.h"
#include "core/models/model_factory.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// int8 compute is checked against float32 on this many test samples, and
// refused beyond this relative error of the outputs (a sound int8 model is
// around 1%; a saturating kernel was 8% off).
constexpr std::int64_t kInt8CheckSamples = 256;
constexpr double kMaxInt8RelativeError = 0.04;

torch::Device next_parameter_device(const torch::nn::Sequential& model) {
  const auto parameters = model->parameters();
  return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

// The task metric a compression report compares (as compression_comparison names it).
std::string metric_name(const Experiment& e) {
  return e.task == Task::Regression ? "test_mae" : e.task == Task::LanguageModel ? "test_perplexity" : "test_accuracy";
}

double metric_value(const EvaluationResult& r) {
  if (r.regression) return r.regression->mae;
  if (r.language_model) return r.language_model->perplexity;
  if (r.classification) return r.classification->accuracy;
  throw Error("quantize: the evaluation produced no metric to compare");
}

Json test_scores(const EvaluationResult& r) {
  if (r.regression)
    return Json{{"loss", r.loss},           {"mse", r.regression->mse}, {"rmse", r.regression->rmse},
                {"mae", r.regression->mae}, {"r2", r.regression->r2},   {"samples", r.samples}};
  Json scores = {{"loss", r.loss}, {"samples", r.samples}};
  if (r.classification) scores["accuracy"] = r.classification->accuracy;
  if (r.language_model) {
    scores["accuracy"] = r.language_model->token_accuracy;
    scores["perplexity"] = r.language_model->perplexity;
  }
  return scores;
}

struct Measured {
  EvaluationResult result;
  ModelFootprint footprint;
  std::int64_t quantized_layers = 0, linear_layers = 0;  // int8 compute
};

// Evaluates `run_dir` on its test split, timing the model it evaluates; with
// `int8_compute` the model's top-level Linear layers compute in int8.
// `loaded` sees the model as loaded, before anything else.
Measured evaluate_and_time(const fs::path& run_dir, const fs::path& weights, std::int64_t batch, bool int8_compute,
                           const std::function<void(torch::nn::Sequential&, const TensorDataset&)>& loaded = {}) {
  Measured measured;
  EvaluationRequest request;
  request.run_dir = run_dir;
  request.prompts = 0;  // no generated text: the metric is what is compared
  request.prepare_model = [&](torch::nn::Sequential model, const TensorDataset& split) {
    if (split.size() == 0) throw DataError(run_dir.string() + ": the test split is empty; nothing to compare on");
    if (loaded) loaded(model, split);
    if (int8_compute) {
      const auto int8 = with_dynamic_int8_linears(model);
      model = int8.model;
      measured.quantized_layers = int8.quantized_layers;
      measured.linear_layers = int8.linear_layers;
    }
    const auto inputs = split.slice(0, std::min<std::int64_t>(split.size(), batch)).inputs;
    measured.footprint = measure_footprint(model, weights, inputs, std::min<std::int64_t>(split.size(), batch));
    return model;
  };
  measured.result = evaluate_run(request);
  return measured;
}

}  // namespace

namespace {

// The original evaluated with int8 compute checked against it on real test
// samples, before anything is written: a processor whose int8 kernels are off
// gets a refusal with the measured error, not a wrong model.
struct Int8Check {
  torch::nn::Sequential float_model{nullptr};  // the original, as evaluated
  double relative_error = 0;
  std::int64_t samples = 0;
};

Measured evaluate_original_checking_int8(const RunFolder& original, std::int64_t batch, const std::string& engine,
                                         Int8Check& check) {
  const Measured before = evaluate_and_time(
      original.root, original.model_file(), batch, false,
      [&](torch::nn::Sequential& model, const TensorDataset& split) {
        check.float_model = model;
        const auto samples = split.slice(0, std::min<std::int64_t>(split.size(), kInt8CheckSamples)).inputs;
        check.samples = samples.size(0);
        check.relative_error = int8_relative_error(model, samples.to(next_parameter_device(model)));
      });
  if (check.relative_error > kMaxInt8RelativeError) {
    char message[400];
    std::snprintf(
        message, sizeof message,
        "quantize: int8 compute with the %s engine on this processor is %.1f%% off the float32 model on %lld test samples "
        "(at most %.0f%% is accepted); nothing was written. Try another --engine.",
        engine.c_str(), 100 * check.relative_error, static_cast<long long>(check.samples), 100 * kMaxInt8RelativeError);
    throw ConfigError(message);
  }
  return before;
}

// The quantised run's folder and what it measured.
struct QuantizedRun {
  Measured weight_only, int8;
  std::vector<Int8TensorReport> tensors;
  std::int64_t int8_parameters = 0, float_parameters = 0;
};

// The new run folder: the original's experiment and tokenizer, its weights as
// int8 (written while the original is loaded for its own evaluation), both
// evaluated. A failure removes the folder: no half-made run is left behind.
QuantizedRun write_quantized_run(const RunFolder& original, const RunFolder& run, const Int8Check& check,
                                 std::int64_t batch) {
  QuantizedRun q;
  try {
    write_text_atomically(run.experiment_file(), read_file(original.experiment_file()));
    // The tokenizer and whatever it refers to (a sentencepiece model file); not the float weights.
    for (const auto& entry : fs::directory_iterator(original.model_file().parent_path()))
      if (entry.is_regular_file() && entry.path().extension() != ".pt")
        fs::copy_file(entry.path(), run.model_file().parent_path() / entry.path().filename());
    q.tensors = save_int8_weights(run.model_file(), *check.float_model);
    for (const auto& p : check.float_model->parameters())
      (is_int8_candidate(p) ? q.int8_parameters : q.float_parameters) += p.numel();
    q.weight_only = evaluate_and_time(run.root, run.model_file(), batch, false);
    q.int8 = evaluate_and_time(run.root, run.model_file(), batch, true);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(run.root, ignored);
    throw;
  }
  return q;
}

Json int8_compute_json(const QuantizedRun& q, const Int8Check& check, const std::string& engine,
                       const std::string& metric) {
  Json int8_compute = {{"latency_ms_per_sample", footprint_to_json(q.int8.footprint)["latency_ms_per_sample"]},
                       {"batch", q.int8.footprint.batch}};
  int8_compute["engine"] = engine;
  int8_compute["reduced_range"] = int8_needs_reduced_range();
  int8_compute["relative_error"] = check.relative_error;
  int8_compute["checked_samples"] = check.samples;
  int8_compute["quantized_linear_layers"] = q.int8.quantized_layers;
  int8_compute["linear_layers"] = q.int8.linear_layers;
  int8_compute[metric] = metric_value(q.int8.result);
  return int8_compute;
}

}  // namespace

Json quantize_run(const QuantizationRequest& request) {
  const RunFolder original = open_run_folder(request.run_dir);
  const Experiment experiment = load_experiment(original.experiment_file());
  if (reads_preference_pairs(experiment) || is_policy_optimisation(experiment) || is_fine_tuning(experiment))
    throw ConfigError(request.run_dir.string() + ": a stage \"" + to_string(experiment.stage) +
                      "\" run; quantize compares on the test split of image, table, text-classification and pretrained "
                      "language-model runs");
  if (!fs::exists(original.model_file()))
    throw ConfigError(original.model_file().string() + ": no such file; quantize takes a finished run");
  if (is_int8_weights_file(original.model_file()))
    throw ConfigError(request.run_dir.string() + ": its weights are int8 already (a quantised run)");
  const std::string engine = select_quantized_engine(request.engine);
  const fs::path out_dir = request.out_dir.empty() ? fs::path(request.run_dir.string() + "-int8") : request.out_dir;
  check_run_folder_is_free(out_dir);
  const Json original_report =
      fs::exists(original.report_file()) ? Json::parse(read_file(original.report_file())) : Json::object();
  const std::string started_at = utc_timestamp();
  const std::int64_t batch = experiment.train.batch_size;
  Int8Check check;
  const Measured before = evaluate_original_checking_int8(original, batch, engine, check);
  const RunFolder run = create_run_folder(out_dir);
  const QuantizedRun q = write_quantized_run(original, run, check, batch);

  Json report = Json::object();
  report["format_version"] = 1;
  report["experiment"] = experiment.name;
  report["cradle_version"] = CRADLE_VERSION;
  report["libtorch_version"] = TORCH_VERSION;
  report["stage"] = "quantize";
  report["init_from"] = fs::absolute(original.root).lexically_normal().string();
  report["task"] = to_string(experiment.task);
  report["status"] = "completed";
  report["started_at"] = started_at;
  report["model"] = Json{{"type", experiment.model.type}, {"parameters", q.int8_parameters + q.float_parameters}};
  for (const char* key : {"class_names", "target"})
    if (original_report.contains(key)) report[key] = original_report[key];
  Json quantised = Json::array();
  for (const auto& t : q.tensors)
    quantised.push_back({{"tensor", t.name},
                         {"shape", t.shape},
                         {"max_abs_error", t.max_abs_error},
                         {"relative_error", t.relative_error}});
  report["quantization"] =
      Json{{"scheme", "int8 weights, symmetric, one float32 scale per output channel; dequantised at load"},
           {"int8_parameters", q.int8_parameters},
           {"float32_parameters", q.float_parameters},
           {"tensors", quantised}};
  const std::string metric = metric_name(experiment);
  report["compression"] = compression_comparison(before.footprint, q.weight_only.footprint, metric,
                                                 metric_value(before.result), metric_value(q.weight_only.result));
  report["compression"]["original_run"] = report["init_from"];
  report["int8_compute"] = int8_compute_json(q, check, engine, metric);
  report["metrics"] = Json{{"test", test_scores(q.weight_only.result)}};
  report["files"] = Json{{"model", "model/model.pt"}};
  if (fs::exists(run.tokenizer_file())) report["files"]["tokenizer"] = "model/tokenizer.json";
  report["finished_at"] = utc_timestamp();
  write_text_atomically(run.report_file(), report.dump(2) + "\n");
  return report;
}

std::string describe_quantization(const Json& report) {
  const Json& c = report["compression"];
  const Json& a = c["original"];
  const Json& b = c["compressed"];
  const Json& i = report["int8_compute"];
  const std::string metric = c["metric"].get<std::string>();
  const long long batch = i["batch"].get<long long>();
  const std::string at_batch = "batch_" + std::to_string(batch);
  char text[900];
  std::snprintf(
      text, sizeof text,
      "weights file %lld -> %lld bytes (%.2fx smaller); %lld of %lld parameters stored as int8\n"
      "%s: float32 %.4f, int8 weights %.4f, int8 compute %.4f\n"
      "ms per sample at batch 1: float32 %.4f, int8 weights %.4f, int8 compute %.4f (%lld of %lld linear layers, %s)\n"
      "ms per sample at batch %lld: float32 %.4f, int8 weights %.4f, int8 compute %.4f",
      a["file_bytes"].get<long long>(), b["file_bytes"].get<long long>(),
      static_cast<double>(a["file_bytes"].get<long long>()) /
          static_cast<double>(std::max<long long>(1, b["file_bytes"].get<long long>())),
      report["quantization"]["int8_parameters"].get<long long>(), report["model"]["parameters"].get<long long>(),
      metric.c_str(), a[metric].get<double>(), b[metric].get<double>(), i[metric].get<double>(),
      a["latency_ms_per_sample"]["batch_1"].get<double>(), b["latency_ms_per_sample"]["batch_1"].get<double>(),
      i["latency_ms_per_sample"]["batch_1"].get<double>(), i["quantized_linear_layers"].get<long long>(),
      i["linear_layers"].get<long long>(), i["engine"].get<std::string>().c_str(), batch,
      a["latency_ms_per_sample"][at_batch].get<double>(), b["latency_ms_per_sample"][at_batch].get<double>(),
      i["latency_ms_per_sample"][at_batch].get<double>());
  return text;
}

}  // namespace cradle
