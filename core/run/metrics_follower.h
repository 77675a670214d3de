#pragma once
// Follows a run's metrics.jsonl as it grows (a run in this process or in
// `cradle-cli` elsewhere): each call returns the records appended since the
// last one. Only complete lines are read; a line still being written waits
// for its newline. A line that is not a metrics record is reported with its
// line number and skipped, never fatal: the dashboard keeps following.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/line_follower.h"
#include "core/train/events.h"

namespace cradle {

struct MetricsUpdate {
  std::optional<TrainingPlan> plan;  // a "start" record (the newest, when a run was resumed)
  std::vector<StepMetrics> steps;
  std::vector<EvaluationMetrics> evaluations;
  std::vector<std::string> problems;  // "metrics.jsonl:12: ..."
  bool empty() const { return !plan && steps.empty() && evaluations.empty() && problems.empty(); }
};

class MetricsFollower {
 public:
  explicit MetricsFollower(std::filesystem::path file);

  // The records completed since the previous call (all of them the first
  // time). A file that does not exist yet reads as empty; one that shrank
  // (replaced) is read again from the start.
  MetricsUpdate read_new();
  const std::filesystem::path& file() const { return lines_.file(); }

 private:
  LineFollower lines_;
};

// One metrics.jsonl line into `update`; false when it is not a record.
bool parse_metrics_line(const std::string& line, MetricsUpdate& update, std::string& problem);

}  // namespace cradle
