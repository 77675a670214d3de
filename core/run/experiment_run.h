#pragma once
// One training run of an experiment, from a validated Experiment to a complete
// run folder: threads and seed set, data loaded, model built, experiment
// frozen, trainer run with the metrics and log writers attached, final model
// and report.json written. Constructing it does the preparation (so a caller
// can show what is about to run); train() does the rest.
// LibTorch stays out of this header (it costs ~20 s to parse), so callers
// such as the terminal front end compile quickly.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/models/model_summary.h"
#include "core/run/run_folder.h"
#include "core/train/events.h"
#include "core/train/run_control.h"
#include "core/train/stop_signal.h"

namespace cradle {

class DataParallelGroup;

struct RunResult {
  TrainingOutcome outcome;
  std::optional<EvaluationMetrics> validation;  // last validation
  std::optional<EvaluationMetrics> test;        // absent when stopped early
};

class ExperimentRun {
 public:
  // With a `group`, this process is one rank of a data-parallel run (see
  // TrainerSetup::group). Rank 0 prepares `run_dir` and alone writes to it; the
  // other ranks are constructed after it (they read its tokenizer from there,
  // so the folder must be visible to every rank) and write nothing. Stage ppo
  // trains in one process only.
  ExperimentRun(const Experiment& experiment, const std::filesystem::path& run_dir, DataParallelGroup* group = nullptr);
  ~ExperimentRun();

  // Continues the run in `run_dir` from its newest checkpoint (stopped.pt or
  // an epoch checkpoint), appending to its metrics and log; the result is the
  // same as a run never interrupted (same seed and threads). `epochs` > 0
  // replaces train.epochs, to train a finished run further. IoError when the
  // folder holds no checkpoint.
  static std::unique_ptr<ExperimentRun> resume(const std::filesystem::path& run_dir, std::int64_t epochs = 0,
                                               DataParallelGroup* group = nullptr);

  // The checkpoint a resumed run starts from; empty for a new run.
  const std::filesystem::path& resumed_from() const;

  const Experiment& experiment() const;  // as it runs (absolute data paths)
  const RunFolder& folder() const;
  const ModelSummary& model_summary() const;
  std::int64_t train_samples() const;
  const std::vector<std::string>& skipped_files() const;  // unreadable files or bad text records left out
  int threads() const;
  std::string device_name() const;

  void add_observer(TrainingObserver& observer);
  // Each optimizer step's learning rate (0-based step) instead of the
  // experiment's schedule: the learning-rate range test. Not for PPO.
  void override_learning_rate(std::function<double(std::int64_t step)> rate);
  // `stop` ends the run at a step boundary with a checkpoint; `control`
  // pauses it or saves a checkpoint on request (both read between steps).
  RunResult train(const StopSignal* stop = nullptr, RunControl* control = nullptr);

 private:
  struct State;
  ExperimentRun(const Experiment& experiment, const std::filesystem::path& run_dir,
                const std::filesystem::path& resume_from, DataParallelGroup* group);
  std::unique_ptr<State> state_;
};

}  // namespace cradle
