#include "core/run/metrics_writer.h"

#include <nlohmann/json.hpp>

namespace cradle {

void MetricsWriter::on_started(const TrainingPlan& p) {
  // The plan first, so that a dashboard following the file knows the run's length.
  const nlohmann::ordered_json line = {{"kind", "start"},           {"epochs", p.epochs},
                                       {"steps_per_epoch", p.steps_per_epoch}, {"total_steps", p.total_steps},
                                       {"train_samples", p.train_samples}, {"batch_size", p.batch_size},
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
  out_.append(line.dump());
}

void MetricsWriter::on_evaluation(const EvaluationMetrics& m) {
  nlohmann::ordered_json line = {{"kind", "eval"},       {"step", m.step},         {"epoch", m.epoch},
                                 {"split", m.split},     {"loss", m.loss},         {"accuracy", m.accuracy},
                                 {"samples", m.samples}, {"wall_time", m.wall_seconds}};
  if (m.mae) {
    line.erase("accuracy");
    line["mae"] = *m.mae;
    line["rmse"] = m.rmse.value_or(0);
    line["r2"] = m.r2.value_or(0);
  }
  if (m.reward_gap) line["reward_gap"] = *m.reward_gap;
  out_.append(line.dump());
}

}  // namespace cradle
