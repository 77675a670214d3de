#pragma once
// What the trainer reports while it runs. The trainer neither prints nor knows
// who listens: the CLI's progress bar, the metrics.jsonl writer, the log and
// (later) the GUI bridge are all observers.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cradle {

struct TrainingPlan {
  std::int64_t epochs = 0;
  std::int64_t steps_per_epoch = 0;  // optimizer steps (micro-batches / train.accumulate_steps)
  std::int64_t total_steps = 0;
  std::int64_t train_samples = 0;
  std::int64_t batch_size = 0;
  std::int64_t start_step = 0;  // steps already taken when a resumed run starts
};

// Averages over the steps since the previous StepMetrics.
struct StepMetrics {
  std::int64_t step = 0;   // 1-based, counted over the whole run
  std::int64_t epoch = 0;  // 1-based
  double loss = 0;
  double accuracy = 0;        // classification and language models
  std::optional<double> mae;  // regression, in target units (accuracy is then unused)
  double lr = 0;
  double samples_per_second = 0;
  double data_wait_seconds = 0;  // time spent assembling batches in this window
  double forward_seconds = 0;    // forward passes and losses
  double backward_seconds = 0;   // backward passes
  double optimizer_seconds = 0;  // L1 term, gradient clipping and the optimizer's updates
  double wall_seconds = 0;       // since training started
  // Figures particular to a stage (PPO: score, kl, entropy, ...), written as
  // further fields of the metrics line.
  std::vector<std::pair<std::string, double>> extra;
};

struct EvaluationMetrics {
  std::string split;  // "validation" | "test"
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  double loss = 0;
  double accuracy = 0;                  // classification and language models
  std::optional<double> mae, rmse, r2;  // regression, in target units (accuracy is then unused)
  // Reward models, DPO: mean reward of chosen minus rejected (accuracy: pairs ordered right).
  std::optional<double> reward_gap;
  std::optional<double> chosen_reward, rejected_reward;    // their means
  std::optional<double> chosen_logprob, rejected_logprob;  // DPO: the policy's mean log-probability of each reply
  std::int64_t samples = 0;
  double wall_seconds = 0;
  std::vector<std::pair<std::string, double>> extra;  // as StepMetrics::extra
};

struct CheckpointSaved {
  std::filesystem::path path;
  std::int64_t step = 0;
  std::int64_t epoch = 0;
};

enum class TrainingStatus { Completed, Stopped };

struct TrainingOutcome {
  TrainingStatus status = TrainingStatus::Completed;
  std::int64_t steps = 0;
  std::int64_t epochs_completed = 0;
  bool stopped_early = false;         // train.early_stopping ended the run before train.epochs
  std::int64_t best_epoch = 0;        // the epoch of the best validation metric (0: no validation)
  std::optional<double> best_metric;  // its value (train.early_stopping.metric, else the validation loss)
  bool restored_best = false;         // the model ends with the best epoch's weights
  double wall_seconds = 0;
  double median_samples_per_second = 0;
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void on_started(const TrainingPlan&) {}
  virtual void on_step(const StepMetrics&) {}
  virtual void on_evaluation(const EvaluationMetrics&) {}
  virtual void on_checkpoint(const CheckpointSaved&) {}
  // RunControl::pause took effect before optimizer step `step` + 1; and the
  // run went on after RunControl::resume (seconds spent paused).
  virtual void on_paused(std::int64_t /*step*/) {}
  virtual void on_resumed(std::int64_t /*step*/, double /*paused_seconds*/) {}
  virtual void on_finished(const TrainingOutcome&) {}
  virtual void on_failed(const std::string& /*message*/) {}
};

const char* to_string(TrainingStatus status);

// The median of the logged throughputs (0 for none), for TrainingOutcome.
double median_throughput(std::vector<double> samples_per_second);

}  // namespace cradle
