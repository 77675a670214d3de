#pragma once
// Observer that appends every logged step and evaluation to metrics.jsonl, one
// JSON object per line, flushed at once so a dashboard can follow the file.
#include <filesystem>

#include "core/common/file_io.h"
#include "core/train/events.h"

namespace cradle {

class MetricsWriter : public TrainingObserver {
 public:
  explicit MetricsWriter(const std::filesystem::path& path) : out_(path) {}
  void on_started(const TrainingPlan& p) override;
  void on_step(const StepMetrics& m) override;
  void on_evaluation(const EvaluationMetrics& m) override;

 private:
  LineAppender out_;
};

}  // namespace cradle
