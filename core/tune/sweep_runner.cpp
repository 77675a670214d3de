#include "core/tune/sweep_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/common/enum_names.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string trial_folder(std::int64_t id) {
  char name[48];
  std::snprintf(name, sizeof name, "trials/trial-%03lld", static_cast<long long>(id));
  return name;
}

Json optional_number(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }
std::optional<double> read_optional(const Json& value) {
  return value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt;
}

Json record_json(const TrialRecord& t) {
  Json values = Json::object();
  for (const auto& [field, value] : t.configuration.values) values[field] = value;
  return Json{{"id", t.id},
              {"values", values},
              {"status", to_string(t.status)},
              {"epochs", t.epochs},
              {"metric", optional_number(t.metric)},
              {"test_metric", optional_number(t.test_metric)},
              {"error", t.error},
              {"run", t.run}};
}

std::vector<std::string> trial_overrides(const SweepSpec& spec, const TrialConfiguration& configuration) {
  std::vector<std::string> overrides = spec.set;
  for (auto& o : configuration.overrides()) overrides.push_back(std::move(o));
  return overrides;
}

std::string summary_csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

SweepRunner::SweepRunner(SweepSpec spec, fs::path sweep_file, fs::path out_dir, TrialExecutor executor, int threads)
    : spec_(std::move(spec)),
      sweep_file_(std::move(sweep_file)),
      out_dir_(std::move(out_dir)),
      executor_(std::move(executor)),
      threads_(threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency())) {
  const fs::path experiment = sweep_file_.parent_path() / spec_.experiment;
  full_epochs_ = load_experiment(experiment, spec_.set).train.epochs;
  std::int64_t id = 0;
  for (auto& configuration : sweep_configurations(spec_)) {
    // Every configuration is checked now, so a misspelt field fails before the first trial trains.
    try {
      load_experiment(experiment, trial_overrides(spec_, configuration));
    } catch (const ConfigError& error) {
      throw ConfigError(sweep_file_.string() + ": trial " + std::to_string(id + 1) + " (" + configuration.describe() +
                        "): " + error.what());
    }
    TrialRecord record;
    record.id = ++id;
    record.configuration = std::move(configuration);
    record.run = trial_folder(record.id);
    trials_.push_back(std::move(record));
  }
}

void SweepRunner::save_state() const {
  Json trials = Json::array();
  for (const auto& t : trials_) trials.push_back(record_json(t));
  write_text_atomically(out_dir_ / "trials.json",
                        Json{{"sweep", sweep_spec_to_json(spec_)}, {"trials", trials}}.dump(2) + "\n");
}

void SweepRunner::load_state() {
  const fs::path file = out_dir_ / "trials.json";
  if (!fs::exists(file)) return;
  const Json state = parse_json_text(read_file(file), file.string());
  if (!state.contains("sweep") || state["sweep"] != sweep_spec_to_json(spec_))
    throw ConfigError(file.string() +
                      ": this folder holds another sweep's trials (the sweep file changed); "
                      "choose another --out or remove the folder");
  const Json& saved = state["trials"];
  if (!saved.is_array() || saved.size() != trials_.size())
    throw ConfigError(file.string() + ": its trials do not match the sweep file's");
  for (std::size_t i = 0; i < trials_.size(); ++i) {
    TrialRecord& t = trials_[i];
    const Json& s = saved[i];
    t.status = parse_trial_state(s.value("status", std::string("pending"))).value_or(TrialState::Pending);
    t.epochs = s.value("epochs", std::int64_t{0});
    t.metric = read_optional(s.value("metric", Json()));
    t.test_metric = read_optional(s.value("test_metric", Json()));
    t.error = s.value("error", std::string());
    if (t.status == TrialState::Running) t.status = TrialState::Halted;   // interrupted: continues from its checkpoint
    if (t.status == TrialState::Skipped) t.status = TrialState::Pending;  // a new time budget
  }
}

bool SweepRunner::out_of_time() const {
  return spec_.max_minutes > 0 && now_seconds() - started_ > spec_.max_minutes * 60;
}

void SweepRunner::run_batch(const std::vector<std::size_t>& batch, std::int64_t stop_after_epochs,
                            const StopSignal* stop, const SweepCallbacks& callbacks) {
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  const int per_trial = std::max(1, threads_ / static_cast<int>(spec_.parallel));
  const fs::path experiment = fs::absolute(sweep_file_.parent_path() / spec_.experiment);
  const auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= batch.size()) return;
      TrialTask task;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if ((stop && stop->requested()) || out_of_time()) return;
        TrialRecord& t = trials_[batch[k]];
        task.trial = t.id;
        task.experiment_file = experiment;
        task.overrides = trial_overrides(spec_, t.configuration);
        task.run_dir = out_dir_ / t.run;
        task.resume = fs::exists(task.run_dir / "checkpoints");
        if (!task.resume && fs::exists(task.run_dir))
          fs::remove_all(task.run_dir);  // started, no checkpoint yet: again
        task.stop_after_epochs = stop_after_epochs;
        task.threads = spec_.parallel > 1 ? per_trial : 0;
        t.status = TrialState::Running;
        save_state();
        if (callbacks.trial_started) callbacks.trial_started(t);
      }
      TrialResult result;
      try {
        result = executor_(task);
      } catch (const std::exception& error) {
        result.status = RunStatus::Failed;
        result.error = error.what();
      }
      std::lock_guard<std::mutex> lock(mutex);
      TrialRecord& t = trials_[batch[k]];
      t.status = result.status == RunStatus::Completed ? TrialState::Completed
                 : result.status == RunStatus::Stopped ? TrialState::Halted
                                                       : TrialState::Failed;
      t.epochs = result.epochs;
      t.metric = result.metric;
      t.test_metric = result.test_metric;
      t.error = result.error;
      save_state();
      if (callbacks.trial_finished) callbacks.trial_finished(t);
    }
  };
  std::vector<std::thread> workers;
  for (std::int64_t w = 1; w < spec_.parallel; ++w) workers.emplace_back(worker);
  worker();
  for (auto& w : workers) w.join();
}

bool SweepRunner::ranks_before(const TrialRecord& a, const TrialRecord& b) const {
  if (a.metric.has_value() != b.metric.has_value()) return a.metric.has_value();
  if (!a.metric) return a.id < b.id;
  return spec_.higher_is_better() ? *a.metric > *b.metric : *a.metric < *b.metric;
}

void SweepRunner::run_halving(const StopSignal* stop, const SweepCallbacks& callbacks) {
  std::vector<std::size_t> survivors;
  for (std::size_t i = 0; i < trials_.size(); ++i) survivors.push_back(i);
  for (std::int64_t epochs = std::min(spec_.min_epochs, full_epochs_);;) {
    const bool last = epochs >= full_epochs_ || survivors.size() == 1;
    const std::int64_t target = last ? full_epochs_ : epochs;
    std::vector<std::size_t> todo;
    for (std::size_t i : survivors)
      if (trials_[i].status != TrialState::Failed && trials_[i].status != TrialState::Completed &&
          trials_[i].epochs < target)
        todo.push_back(i);
    run_batch(todo, last ? 0 : target, stop, callbacks);
    if (last || (stop && stop->requested()) || out_of_time()) break;
    std::stable_sort(survivors.begin(), survivors.end(),
                     [&](std::size_t a, std::size_t b) { return ranks_before(trials_[a], trials_[b]); });
    const auto keep = static_cast<std::size_t>(
        std::ceil(static_cast<double>(survivors.size()) / static_cast<double>(spec_.reduction)));
    survivors.resize(std::max<std::size_t>(1, keep));
    epochs *= spec_.reduction;
  }
}

void SweepRunner::write_summary(const SweepOutcome& outcome) const {
  std::string csv = "rank,trial,status,epochs," + spec_.metric + ",test";
  for (const auto& p : spec_.parameters) csv += "," + summary_csv_field(p.field);
  csv += ",run\n";
  const auto row = [&](std::size_t rank, const TrialRecord& t) {
    const auto number = [](const std::optional<double>& v) {
      char text[32];
      if (v) std::snprintf(text, sizeof text, "%.6g", *v);
      return v ? std::string(text) : std::string();
    };
    std::string line = (rank ? std::to_string(rank) : std::string()) + "," + std::to_string(t.id) + "," +
                       to_string(t.status) + "," + std::to_string(t.epochs) + "," + number(t.metric) + "," +
                       number(t.test_metric);
    for (const auto& [field, value] : t.configuration.values)
      line += "," + summary_csv_field(value.is_string() ? value.get<std::string>() : value.dump());
    return line + "," + summary_csv_field(t.run) + "\n";
  };
  for (std::size_t r = 0; r < outcome.ranking.size(); ++r) csv += row(r + 1, trials_[outcome.ranking[r]]);
  for (const auto& t : trials_)
    if (!t.metric) csv += row(0, t);
  write_text_atomically(out_dir_ / "summary.csv", csv);
}

SweepOutcome SweepRunner::run(const StopSignal* stop, const SweepCallbacks& callbacks) {
  started_ = now_seconds();
  fs::create_directories(out_dir_ / "trials");
  load_state();
  save_state();
  if (spec_.method == "halving") {
    run_halving(stop, callbacks);
  } else {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < trials_.size(); ++i)
      if (trials_[i].status == TrialState::Pending || trials_[i].status == TrialState::Halted) todo.push_back(i);
    run_batch(todo, 0, stop, callbacks);
  }
  const bool interrupted = stop && stop->requested();
  for (auto& t : trials_)
    if (t.status == TrialState::Pending && !interrupted && out_of_time()) t.status = TrialState::Skipped;
  save_state();

  SweepOutcome outcome;
  outcome.trials = trials_;
  for (std::size_t i = 0; i < trials_.size(); ++i)
    if (trials_[i].metric) outcome.ranking.push_back(i);
  // Finished trials first (a halted one was judged on fewer epochs), then by the metric.
  std::stable_sort(outcome.ranking.begin(), outcome.ranking.end(), [&](std::size_t a, std::size_t b) {
    const bool a_done = trials_[a].status == TrialState::Completed, b_done = trials_[b].status == TrialState::Completed;
    if (a_done != b_done) return a_done;
    return ranks_before(trials_[a], trials_[b]);
  });
  write_summary(outcome);
  if (!outcome.ranking.empty()) {
    const TrialRecord& best = trials_[outcome.ranking.front()];
    Experiment experiment =
        load_experiment(sweep_file_.parent_path() / spec_.experiment, trial_overrides(spec_, best.configuration));
    outcome.best_experiment = out_dir_ / "best-experiment.json";
    write_text_atomically(outcome.best_experiment, serialize_experiment(with_absolute_paths(experiment)));
  }
  outcome.seconds = now_seconds() - started_;
  return outcome;
}

std::string to_string(TrialState state) {
  switch (state) {
    case TrialState::Pending: return "pending";
    case TrialState::Running: return "running";
    case TrialState::Completed: return "completed";
    case TrialState::Halted: return "halted";
    case TrialState::Failed: return "failed";
    case TrialState::Skipped: return "skipped";
  }
  throw std::logic_error("to_string(TrialState): a value outside the enumeration");
}

std::optional<TrialState> parse_trial_state(const std::string& name) {
  constexpr TrialState kStates[] = {TrialState::Pending, TrialState::Running, TrialState::Completed,
                                    TrialState::Halted,  TrialState::Failed,  TrialState::Skipped};
  return parse_enum_name(name, kStates);
}

std::string format_sweep_table(const SweepSpec& spec, const SweepOutcome& outcome) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%4s %5s %-9s %6s %12s %10s  %s\n", "rank", "trial", "status", "epochs",
                spec.metric.substr(spec.metric.find('_') + 1).c_str(), "test", "values");
  out += line;
  const auto put = [&](const std::string& rank, const TrialRecord& t) {
    const auto number = [](const std::optional<double>& v) {
      char text[32];
      if (v) std::snprintf(text, sizeof text, "%.4g", *v);
      return v ? std::string(text) : std::string("-");
    };
    std::snprintf(line, sizeof line, "%4s %5lld %-9s %6lld %12s %10s  %s\n", rank.c_str(), static_cast<long long>(t.id),
                  to_string(t.status).c_str(), static_cast<long long>(t.epochs), number(t.metric).c_str(),
                  number(t.test_metric).c_str(), t.configuration.describe().c_str());
    out += line;
  };
  for (std::size_t r = 0; r < outcome.ranking.size(); ++r)
    put(std::to_string(r + 1), outcome.trials[outcome.ranking[r]]);
  for (const auto& t : outcome.trials)
    if (!t.metric) put("", t);
  return out;
}

}  // namespace cradle
