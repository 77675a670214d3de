#include "core/run/run_index.h"

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "core/common/enum_names.h"
#include "core/common/file_io.h"
#include "core/experiment/json_object_reader.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// The statuses report.json can hold.
constexpr RunStatus kReportStatuses[] = {RunStatus::Completed, RunStatus::Stopped, RunStatus::Failed};

std::string text_or_empty(const Json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

void read_report(const fs::path& file, RunSummary& run) {
  const Json report = Json::parse(read_file(file));
  if (!report.is_object()) throw std::runtime_error("not a JSON object");
  const std::string status = text_or_empty(report, "status");
  if (status.empty()) throw std::runtime_error("no status");
  const auto found = parse_report_status(status);
  if (!found) throw std::runtime_error("unknown status \"" + status + "\"");
  run.status = *found;
  run.started_at = text_or_empty(report, "started_at");
  run.finished_at = text_or_empty(report, "finished_at");
  run.stage = text_or_empty(report, "stage");
  run.init_from = text_or_empty(report, "init_from");
  if (report.contains("epochs_completed") && report["epochs_completed"].is_number_integer())
    run.epochs = report["epochs_completed"].get<std::int64_t>();
  if (report.contains("steps") && report["steps"].is_number_integer()) run.steps = report["steps"].get<std::int64_t>();
  run.metric_name = run.task == Task::Regression ? "rmse" : run.task == Task::LanguageModel ? "perplexity" : "accuracy";
  const auto value = report.value(Json::json_pointer("/metrics/test/" + run.metric_name), Json());
  if (value.is_number()) run.metric = value.get<double>();
}

}  // namespace

std::string to_string(RunStatus status) {
  switch (status) {
    case RunStatus::Completed: return "completed";
    case RunStatus::Stopped: return "stopped";
    case RunStatus::Failed: return "failed";
    case RunStatus::Incomplete: return "incomplete";
    case RunStatus::Unreadable: return "unreadable";
  }
  throw std::logic_error("to_string(RunStatus): a value outside the enumeration");
}

std::optional<RunStatus> parse_report_status(const std::string& name) { return parse_enum_name(name, kReportStatuses); }

std::optional<RunSummary> summarize_run(const fs::path& folder) {
  const fs::path experiment_file = folder / "experiment.json";
  std::error_code ec;
  if (!fs::is_regular_file(experiment_file, ec)) return std::nullopt;
  RunSummary run;
  run.folder = folder;
  try {
    const Json experiment = Json::parse(read_file(experiment_file));
    run.experiment = text_or_empty(experiment, "name");
    run.task = parse_task(text_or_empty(experiment, "task"));
  } catch (const std::exception& error) {
    run.status = RunStatus::Unreadable;
    run.problem = "experiment.json: " + std::string(error.what());
    return run;
  }
  const fs::path report = folder / "report.json";
  if (!fs::exists(report, ec)) {
    run.status = RunStatus::Incomplete;
    return run;
  }
  try {
    read_report(report, run);
  } catch (const std::exception& error) {
    run.status = RunStatus::Unreadable;
    run.problem = "report.json: " + std::string(error.what());
  }
  return run;
}

std::vector<RunSummary> list_runs(const fs::path& runs_dir) {
  std::vector<RunSummary> runs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runs_dir, ec)) {
    if (!entry.is_directory(ec)) continue;
    if (auto run = summarize_run(entry.path())) runs.push_back(std::move(*run));
  }
  std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) {
    if (a.started_at != b.started_at) return a.started_at > b.started_at;
    return a.folder.filename() > b.folder.filename();
  });
  return runs;
}

}  // namespace cradle
