#pragma once
// What a folder of runs holds, read from each run's report.json: for the run
// list of `cradle-cli runs` and the studio. A run without a report is still
// training or was killed; a damaged report is listed with the reason, never
// an error, so one bad folder cannot hide the others.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/experiment/task.h"

namespace cradle {

// How a run stands: report.json's status, or what its folder says without one.
enum class RunStatus {
  Completed,   // report.json: trained to the end
  Stopped,     // report.json: stopped on request, with a checkpoint to resume from
  Failed,      // report.json: the error is in it
  Incomplete,  // no report yet: training, or killed
  Unreadable,  // experiment.json or report.json could not be read (RunSummary::problem says why)
};
std::string to_string(RunStatus status);  // "completed", "stopped", "failed", "incomplete", "unreadable"
// What report.json's "status" can say: completed, stopped or failed; nothing for anything else.
std::optional<RunStatus> parse_report_status(const std::string& name);

struct RunSummary {
  std::filesystem::path folder;
  std::string experiment;    // the experiment's name (from experiment.json)
  std::optional<Task> task;  // absent when experiment.json names none Cradle knows
  RunStatus status = RunStatus::Incomplete;
  std::string problem;
  std::string started_at, finished_at;  // UTC, as the report writes them
  std::int64_t epochs = 0, steps = 0;
  // How the run was made: empty for plain training, else the stage ("prune",
  // "quantize", "sft"...) and the run it started from.
  std::string stage, init_from;
  // The task's headline test metric: accuracy (classification), rmse
  // (regression) or perplexity (language models).
  std::string metric_name;
  std::optional<double> metric;
};

// The run in `folder`; nullopt when it is not a run folder (no experiment.json).
std::optional<RunSummary> summarize_run(const std::filesystem::path& folder);

// Every run folder directly inside `runs_dir`, newest first by start time
// (runs without a report, hence no start time, last, by folder name). An
// absent folder has no runs.
std::vector<RunSummary> list_runs(const std::filesystem::path& runs_dir);

}  // namespace cradle
