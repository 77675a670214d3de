#pragma once
// A sweep trial trained in this process (the studio, tests, `cradle-cli sweep`
// one trial at a time), and the observer that stops a run resumably after a
// number of epochs (successive halving's rungs; also `--stop-after-epochs`).
#include <cstdint>
#include <optional>
#include <string>

#include "core/train/events.h"
#include "core/train/stop_signal.h"
#include "core/tune/sweep_runner.h"

namespace cradle {

// Requests `stop` once the validation of epoch `epochs` is done (the trainer
// then saves stopped.pt at the next step, from which the run resumes), and
// forwards an outside stop request. Remembers the last validation figures.
class EpochLimit : public TrainingObserver {
 public:
  EpochLimit(std::int64_t epochs, StopSignal& stop, const StopSignal* outside = nullptr)
      : epochs_(epochs), stop_(stop), outside_(outside) {}
  void on_step(const StepMetrics&) override;
  void on_evaluation(const EvaluationMetrics& m) override;
  std::optional<EvaluationMetrics> last_validation;

 private:
  std::int64_t epochs_;  // 0: no limit
  StopSignal& stop_;
  const StopSignal* outside_;
};

// The sweep metric ("validation_accuracy", ...) of a validation.
std::optional<double> sweep_metric_value(const std::string& metric, const EvaluationMetrics& validation);

// Trains `task` with ExperimentRun; `stop` (Ctrl+C, the studio's Stop) ends it resumably.
TrialResult execute_trial_in_process(const TrialTask& task, const std::string& metric,
                                     const StopSignal* stop = nullptr);

}  // namespace cradle
