#pragma once
// report.json's fields that every stage writes: what ran where and when, the
// model's size, how training ended and the final metrics of each split, the
// files of the run. A stage's own sections (its data, what it started from,
// what compression gained) are added by its runner
// (core/run/stages/stage_runner.h). A failed run's report says why.
#include <filesystem>
#include <optional>
#include <string>

#include "core/experiment/experiment.h"
#include "core/run/run_folder.h"
#include "core/train/events.h"

namespace cradle {

// Keeps the last evaluation of each split, for the report.
class FinalMetrics : public TrainingObserver {
 public:
  void on_evaluation(const EvaluationMetrics& m) override;
  std::optional<EvaluationMetrics> before_training, validation, test;
};

struct RunReportStart {
  int threads = 1;
  std::string device;
  std::string started_at;              // when the run first started (a resumed run: its first part)
  std::string resumed_at;              // empty for a new run
  std::filesystem::path resumed_from;  // the checkpoint a resumed run continues from
  std::int64_t parameters = 0;
};

// The opening fields: format, experiment, versions, threads, device, times, task and model.
Json start_run_report(const Experiment& experiment, const RunReportStart& start);
// Data-parallel runs: the processes and the batch per process and per step.
void report_data_parallel(Json& report, const Experiment& experiment, int processes);
// How training ended: status, times, steps, the best epoch, the final metrics.
void report_outcome(Json& report, const Experiment& experiment, const TrainingOutcome& outcome,
                    const FinalMetrics& metrics);
void report_files(Json& report, bool has_tokenizer);

// Marks the report failed with `reason`. Writing it may fail in turn (the disk
// that failed training is still full): the original error is the one to tell.
void record_failure(const std::filesystem::path& report_file, Json report, const std::string& reason);

// When the run in `folder` first started, from the report its stopped part wrote.
std::optional<std::string> first_start(const RunFolder& folder);

}  // namespace cradle
