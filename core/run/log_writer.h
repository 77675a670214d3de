#pragma once
// Observer that writes the run's events as readable lines to train.log.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/common/file_io.h"
#include "core/train/events.h"

namespace cradle {

// A stage's own figures as " name value" pairs (" score 0.75 kl 2.5"), the
// first `limit` of them; the log and the terminal append them to their lines.
std::string format_stage_figures(const std::vector<std::pair<std::string, double>>& extra, std::size_t limit = 100);

class LogWriter : public TrainingObserver {
 public:
  explicit LogWriter(const std::filesystem::path& path) : out_(path) {}
  void write(const std::string& line) { out_.append(line); }
  void on_started(const TrainingPlan& plan) override;
  void on_step(const StepMetrics& m) override;
  void on_evaluation(const EvaluationMetrics& m) override;
  void on_checkpoint(const CheckpointSaved& c) override;
  void on_paused(std::int64_t step) override;
  void on_resumed(std::int64_t step, double paused_seconds) override;
  void on_finished(const TrainingOutcome& outcome) override;
  void on_failed(const std::string& message) override;

 private:
  LineAppender out_;
};

}  // namespace cradle
