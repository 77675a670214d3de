#include "core/run/metrics_writer.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace cradle {

void MetricsWriter::on_started(const TrainingPlan& p) {
  // The plan first, so that a dashboard following the file knows the run's length.
  const nlohmann::ordered_json line = {{"kind", "start"},
                                       {"epochs", p.epochs},
                                       {"steps_per_epoch", p.steps_per_epoch},
                                       {"total_steps", p.total_steps},
                                       {"train_samples", p.train_samples},
                                       {"batch_size", p.batch_size},
                                       {"start_step", p.start_step}};
  out_.append(line.dump());
}

void MetricsWriter::on_step(const StepMetrics& m) {
  nlohmann::ordered_json line = {{"kind", "train"},
                                 {"step", m.step},
                                 {"epoch", m.epoch},
                                 {"split", "train"},
                                 {"loss", m.loss},
                                 {"accuracy", m.accuracy},
                                 {"lr", m.lr},
                                 {"samples_per_sec", m.samples_per_second},
                                 {"data_wait_s", m.data_wait_seconds},
                                 {"forward_s", m.forward_seconds},
                                 {"backward_s", m.backward_seconds},
                                 {"optimizer_s", m.optimizer_seconds},
                                 {"wall_time", m.wall_seconds}};
  if (m.mae) {  // regression: the error replaces the accuracy
    line.erase("accuracy");
    line["mae"] = *m.mae;
  }
  for (const auto& [key, value] : m.extra) line[key] = value;
  out_.append(line.dump());
}

void MetricsWriter::on_evaluation(const EvaluationMetrics& m) {
  nlohmann::ordered_json line = {
      {"kind", "eval"}, {"step", m.step},         {"epoch", m.epoch},     {"split", m.split},
      {"loss", m.loss}, {"accuracy", m.accuracy}, {"samples", m.samples}, {"wall_time", m.wall_seconds}};
  if (m.mae) {
    line.erase("accuracy");
    line["mae"] = *m.mae;
    line["rmse"] = m.rmse.value_or(0);
    line["r2"] = m.r2.value_or(0);
  }
  const std::pair<const char*, const std::optional<double>*> optional_fields[] = {
      {"reward_gap", &m.reward_gap},
      {"chosen_reward", &m.chosen_reward},
      {"rejected_reward", &m.rejected_reward},
      {"chosen_logprob", &m.chosen_logprob},
      {"rejected_logprob", &m.rejected_logprob}};
  for (const auto& [key, value] : optional_fields)
    if (*value) line[key] = **value;
  for (const auto& [key, value] : m.extra) line[key] = value;
  out_.append(line.dump());
}

}  // namespace cradle
