#include "core/tune/trial_execution.h"

#include <cmath>
#include <memory>

#include "core/experiment/experiment.h"
#include "core/run/experiment_run.h"

namespace cradle {

void EpochLimit::on_step(const StepMetrics&) {
  if (outside_ && outside_->requested()) stop_.request();
}

void EpochLimit::on_evaluation(const EvaluationMetrics& m) {
  if (m.split != "validation") return;
  last_validation = m;
  if (epochs_ > 0 && m.epoch >= epochs_) stop_.request();
}

std::optional<double> sweep_metric_value(const std::string& metric, const EvaluationMetrics& v) {
  if (metric == "validation_loss") return v.loss;
  if (metric == "validation_accuracy") return v.mae ? std::nullopt : std::optional<double>(v.accuracy);
  if (metric == "validation_mae") return v.mae;
  if (metric == "validation_rmse") return v.rmse;
  if (metric == "validation_r2") return v.r2;
  return std::nullopt;
}

TrialResult execute_trial_in_process(const TrialTask& task, const std::string& metric, const StopSignal* stop) {
  std::unique_ptr<ExperimentRun> run;
  if (task.resume) {
    run = ExperimentRun::resume(task.run_dir);
  } else {
    std::vector<std::string> overrides = task.overrides;
    if (task.threads > 0) overrides.push_back("threads=" + std::to_string(task.threads));
    run = std::make_unique<ExperimentRun>(load_experiment(task.experiment_file, overrides), task.run_dir);
  }
  StopSignal stop_run;
  EpochLimit limit(task.stop_after_epochs, stop_run, stop);
  run->add_observer(limit);
  TrialResult result;
  const RunResult outcome = run->train(&stop_run);
  result.status = outcome.outcome.status == TrainingStatus::Completed ? RunStatus::Completed : RunStatus::Stopped;
  result.epochs = outcome.outcome.epochs_completed;
  const auto& validation = limit.last_validation ? limit.last_validation : outcome.validation;
  if (validation) result.metric = sweep_metric_value(metric, *validation);
  if (outcome.test) {
    const Experiment& e = run->experiment();
    if (e.task == Task::Regression)
      result.test_metric = outcome.test->rmse;
    else if (e.task == Task::LanguageModel)
      result.test_metric = std::exp(outcome.test->loss);
    else
      result.test_metric = outcome.test->accuracy;
  }
  return result;
}

}  // namespace cradle
