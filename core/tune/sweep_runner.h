#pragma once
// Runs a sweep into its folder: each trial a normal run folder
// (<out>/trials/trial-NNN), the state in <out>/trials.json (rewritten after
// every change, so an interrupted sweep resumes: finished trials are kept,
// interrupted ones continue from their checkpoint), and at the end the ranking
// (<out>/summary.csv) and the best configuration as an experiment file
// (<out>/best-experiment.json). Successive halving trains every trial for
// min_epochs, keeps the best 1/reduction, trains those reduction times longer
// (continuing the same runs, on the same schedule), and so on up to the
// experiment's epochs. How a trial is trained is the caller's: in this process
// (trial_execution.h) or as cradle-cli processes, several at once.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/run/run_index.h"
#include "core/train/stop_signal.h"
#include "core/tune/sweep_configurations.h"
#include "core/tune/sweep_spec.h"

namespace cradle {

struct TrialTask {
  std::int64_t trial = 0;                 // 1-based
  std::filesystem::path experiment_file;  // the sweep's experiment
  std::vector<std::string> overrides;     // the sweep's `set`, then the trial's values
  std::filesystem::path run_dir;          // a new run folder, or the trial's own when `resume`
  bool resume = false;                    // continue the run in run_dir from its newest checkpoint
  std::int64_t stop_after_epochs = 0;     // halving: stop (resumably) once this many epochs are done; 0: to the end
  int threads = 0;                        // 0: the experiment's own
};

struct TrialResult {
  RunStatus status = RunStatus::Failed;  // Completed, Stopped or Failed
  std::optional<double> metric;          // the sweep's metric after the last validation
  std::optional<double> test_metric;     // the task's headline test figure, when the run finished
  std::int64_t epochs = 0;               // epochs trained so far
  std::string error;                     // failed: why
};

using TrialExecutor = std::function<TrialResult(const TrialTask&)>;

// Where a trial of the sweep stands (sweep.json's "status").
enum class TrialState {
  Pending,
  Running,
  Completed,
  Halted,  // stopped at a halving rung, resumable
  Failed,
  Skipped,  // over the time budget
};
std::string to_string(TrialState state);  // "pending", "running", "completed", "halted", "failed", "skipped"
std::optional<TrialState> parse_trial_state(const std::string& name);

struct TrialRecord {
  std::int64_t id = 0;
  TrialConfiguration configuration;
  TrialState status = TrialState::Pending;
  std::int64_t epochs = 0;
  std::optional<double> metric, test_metric;
  std::string error;
  std::string run;  // the run folder, relative to the sweep folder
};

struct SweepOutcome {
  std::vector<TrialRecord> trials;        // in trial order
  std::vector<std::size_t> ranking;       // indices into trials with a metric, best first
  std::filesystem::path best_experiment;  // empty when no trial gave a metric
  double seconds = 0;
};

struct SweepCallbacks {
  std::function<void(const TrialRecord&)> trial_started, trial_finished;
};

class SweepRunner {
 public:
  // `sweep_file` locates the experiment (relative paths). `threads` is the
  // machine's to divide between parallel trials (0: all its cores).
  SweepRunner(SweepSpec spec, std::filesystem::path sweep_file, std::filesystem::path out_dir, TrialExecutor executor,
              int threads = 0);
  // ConfigError when out_dir holds a different sweep's state.
  SweepOutcome run(const StopSignal* stop = nullptr, const SweepCallbacks& callbacks = {});

 private:
  void save_state() const;
  void load_state();
  // Runs `tasks` (indices into trials_), `parallel` at a time.
  void run_batch(const std::vector<std::size_t>& trials, std::int64_t stop_after_epochs, const StopSignal* stop,
                 const SweepCallbacks& callbacks);
  // Successive halving: every trial for min_epochs, the best 1/reduction of
  // them for reduction times as many, and so on up to the full run.
  void run_halving(const StopSignal* stop, const SweepCallbacks& callbacks);
  // Ranked first: a trial with a metric, then the better metric, then the lower id.
  bool ranks_before(const TrialRecord& a, const TrialRecord& b) const;
  // summary.csv: the ranked trials, then those without a metric.
  void write_summary(const SweepOutcome& outcome) const;
  bool out_of_time() const;

  SweepSpec spec_;
  std::filesystem::path sweep_file_, out_dir_;
  TrialExecutor executor_;
  int threads_;
  std::int64_t full_epochs_ = 0;
  std::vector<TrialRecord> trials_;
  double started_ = 0;
};

// The ranking as a text table (rank, trial, status, epochs, metric, test, values).
std::string format_sweep_table(const SweepSpec& spec, const SweepOutcome& outcome);

}  // namespace cradle
