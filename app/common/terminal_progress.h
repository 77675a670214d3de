#pragma once
// Observer that shows training in a terminal: a redrawn progress bar with ETA
// when the output is a terminal, one plain line per logged step otherwise
// (logs, CI, pipes).
#include <chrono>
#include <cstdio>

#include "core/train/events.h"

namespace cradle {

class TerminalProgress : public TrainingObserver {
 public:
  explicit TerminalProgress(std::FILE* out);
  void on_started(const TrainingPlan& plan) override;
  void on_step(const StepMetrics& m) override;
  void on_evaluation(const EvaluationMetrics& m) override;
  void on_finished(const TrainingOutcome& outcome) override;
  void on_failed(const std::string& message) override;

 private:
  void end_bar_line();
  int terminal_width() const;

  std::FILE* out_;
  bool interactive_;
  bool bar_drawn_ = false;
  TrainingPlan plan_;
};

std::string format_duration(double seconds);  // "1:05", "1:02:03"

}  // namespace cradle
