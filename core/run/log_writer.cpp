#include "core/run/log_writer.h"

#include <cstdio>

namespace cradle {
namespace {

template <typename... Args>
std::string format(const char* pattern, Args... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

}  // namespace

std::string format_stage_figures(const std::vector<std::pair<std::string, double>>& extra, std::size_t limit) {
  std::string text;
  for (std::size_t i = 0; i < extra.size() && i < limit; ++i)
    text += format(" %s %.4g", extra[i].first.c_str(), extra[i].second);
  return text;
}

void LogWriter::on_started(const TrainingPlan& p) {
  write(format("training: %lld samples, batch %lld, %lld epoch%s of %lld steps",
               static_cast<long long>(p.train_samples), static_cast<long long>(p.batch_size),
               static_cast<long long>(p.epochs), p.epochs == 1 ? "" : "s", static_cast<long long>(p.steps_per_epoch)));
}

void LogWriter::on_step(const StepMetrics& m) {
  write(format("[%8.1fs] epoch %lld step %lld: loss %.4f %s %.4g lr %.3g, %.0f samples/s", m.wall_seconds,
               static_cast<long long>(m.epoch), static_cast<long long>(m.step), m.loss, m.mae ? "mae" : "accuracy",
               m.mae.value_or(m.accuracy), m.lr, m.samples_per_second) +
        format_stage_figures(m.extra));
}

void LogWriter::on_evaluation(const EvaluationMetrics& m) {
  if (m.mae)
    write(format("[%8.1fs] %s after epoch %lld: loss %.4f mae %.4g rmse %.4g r2 %.4f (%lld samples)", m.wall_seconds,
                 m.split.c_str(), static_cast<long long>(m.epoch), m.loss, *m.mae, m.rmse.value_or(0), m.r2.value_or(0),
                 static_cast<long long>(m.samples)));
  else
    write(format("[%8.1fs] %s after epoch %lld: loss %.4f accuracy %.4f (%lld samples)", m.wall_seconds,
                 m.split.c_str(), static_cast<long long>(m.epoch), m.loss, m.accuracy,
                 static_cast<long long>(m.samples)) +
          format_stage_figures(m.extra));
}

void LogWriter::on_checkpoint(const CheckpointSaved& c) {
  write("checkpoint: " + c.path.filename().string() + " at step " + std::to_string(c.step));
}

void LogWriter::on_paused(std::int64_t step) { write("paused after step " + std::to_string(step)); }

void LogWriter::on_resumed(std::int64_t step, double paused_seconds) {
  write(format("resumed at step %lld after %.1f s paused", static_cast<long long>(step), paused_seconds));
}

void LogWriter::on_finished(const TrainingOutcome& o) {
  if (o.stopped_early)
    write(format("early stopping after epoch %lld: no improvement since epoch %lld (%.6g)%s",
                 static_cast<long long>(o.epochs_completed), static_cast<long long>(o.best_epoch),
                 o.best_metric.value_or(0), o.restored_best ? "; its weights restored" : ""));
  else if (o.restored_best)
    write(format("best epoch %lld (%.6g): its weights restored", static_cast<long long>(o.best_epoch),
                 o.best_metric.value_or(0)));
  write(format("finished (%s): %lld steps in %.1fs, median %.0f samples/s", to_string(o.status),
               static_cast<long long>(o.steps), o.wall_seconds, o.median_samples_per_second));
}

void LogWriter::on_failed(const std::string& message) { write("failed: " + message); }

}  // namespace cradle
