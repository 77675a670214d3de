#include "core/run/run_report.h"

#include <torch/version.h>

#include <cmath>

#include "core/common/file_io.h"
#include "core/common/utc_time.h"

namespace cradle {
namespace {

Json scores_json(const EvaluationMetrics& m, bool language_model) {
  if (!m.extra.empty()) {  // PPO: the responses' mean score, KL to the reference, length
    Json scores = Json::object();
    for (const auto& [key, value] : m.extra) scores[key] = value;
    scores["ended_turn"] = m.accuracy;
    scores["samples"] = m.samples;
    scores["epoch"] = m.epoch;
    return scores;
  }
  if (m.mae)  // regression, in target units
    return Json{{"loss", m.loss},         {"mse", m.rmse.value_or(0) * m.rmse.value_or(0)},
                {"rmse", *m.rmse},        {"mae", *m.mae},
                {"r2", m.r2.value_or(0)}, {"samples", m.samples},
                {"epoch", m.epoch}};
  Json scores = {{"loss", m.loss}, {"accuracy", m.accuracy}, {"samples", m.samples}, {"epoch", m.epoch}};
  if (m.reward_gap) {  // a reward model or DPO: accuracy is the share of pairs ordered right
    scores["reward_gap"] = *m.reward_gap;
    scores["chosen_reward"] = m.chosen_reward.value_or(0);
    scores["rejected_reward"] = m.rejected_reward.value_or(0);
    if (m.chosen_logprob) scores["chosen_logprob"] = *m.chosen_logprob;
    if (m.rejected_logprob) scores["rejected_logprob"] = *m.rejected_logprob;
    return scores;
  }
  if (language_model) scores["perplexity"] = std::exp(m.loss);  // the loss is the mean per-token cross-entropy
  return scores;
}

}  // namespace

void FinalMetrics::on_evaluation(const EvaluationMetrics& m) {
  if (m.split == "validation" && m.step == 0) before_training = m;  // PPO answers before it trains
  (m.split == "test" ? test : validation) = m;
}

Json start_run_report(const Experiment& e, const RunReportStart& start) {
  Json report = Json::object();
  report["format_version"] = 1;
  report["experiment"] = e.name;
  report["cradle_version"] = CRADLE_VERSION;
  report["libtorch_version"] = TORCH_VERSION;
  report["threads"] = start.threads;
  report["device"] = start.device;
  report["started_at"] = start.started_at;
  if (!start.resumed_from.empty()) {
    report["resumed_from"] = "checkpoints/" + start.resumed_from.filename().string();
    report["resumed_at"] = start.resumed_at;
  }
  report["task"] = to_string(e.task);
  report["model"] = Json{{"type", e.model.type}, {"parameters", start.parameters}};
  return report;
}

void report_data_parallel(Json& report, const Experiment& e, int processes) {
  report["distributed"] = Json{{"processes", processes},
                               {"backend", "gloo"},
                               {"batch_size_per_process", e.train.batch_size},
                               {"batch_size_per_step", e.train.batch_size * processes}};
}

void report_outcome(Json& report, const Experiment& e, const TrainingOutcome& outcome,
                    const FinalMetrics& final_metrics) {
  report["status"] = to_string(outcome.status);
  report["finished_at"] = utc_timestamp();
  report["epochs_completed"] = outcome.epochs_completed;
  report["steps"] = outcome.steps;
  report["wall_seconds"] = outcome.wall_seconds;
  report["median_train_samples_per_second"] = outcome.median_samples_per_second;
  if (outcome.best_metric) {
    const auto& early = e.train.early_stopping;
    report["best"] = Json{{"epoch", outcome.best_epoch},
                          {"metric", early.enabled ? early.metric : "validation_loss"},
                          {"value", *outcome.best_metric},
                          {"checkpoint", "checkpoints/best.pt"},
                          {"stopped_early", outcome.stopped_early},
                          {"model_is_best", outcome.restored_best}};
  }
  Json metrics = Json::object();
  const bool language_model = e.task == Task::LanguageModel;
  if (final_metrics.before_training)
    metrics["validation_before_training"] = scores_json(*final_metrics.before_training, language_model);
  if (final_metrics.validation) metrics["validation"] = scores_json(*final_metrics.validation, language_model);
  if (final_metrics.test) metrics["test"] = scores_json(*final_metrics.test, language_model);
  report["metrics"] = std::move(metrics);
}

void report_files(Json& report, bool has_tokenizer) {
  report["files"] = Json{{"model", "model/model.pt"}, {"metrics", "metrics.jsonl"}, {"log", "train.log"}};
  if (has_tokenizer) report["files"]["tokenizer"] = "model/tokenizer.json";
}

void record_failure(const std::filesystem::path& report_file, Json report, const std::string& reason) {
  report["status"] = "failed";
  report["error"] = reason;
  report["finished_at"] = utc_timestamp();
  try {
    write_text_atomically(report_file, report.dump(2) + "\n");
  } catch (const std::exception&) {}
}

std::optional<std::string> first_start(const RunFolder& folder) {
  try {
    const Json report = Json::parse(read_file(folder.report_file()));
    if (report.contains("started_at") && report["started_at"].is_string())
      return report["started_at"].get<std::string>();
  } catch (const std::exception&) {  // no report (a killed run) or a damaged one: the resume's own time
  }
  return std::nullopt;
}

}  // namespace cradle
