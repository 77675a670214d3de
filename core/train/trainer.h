#pragma once
// The training loop for classifiers, language models (both predict classes:
// labels or next tokens) and regression: epochs over seeded batch orders, an
// optimizer step per train.accumulate_steps micro-batches at the scheduled
// learning rate, periodic training metrics, validation after every epoch
// (feeding the plateau schedule, early stopping and best.pt), a checkpoint
// after every epoch (and on a stop request), the test split at the end. A
// non-finite loss or gradient stops the run before anything else is saved. It
// reports through observers only and honours stop requests between steps.
#include <torch/nn.h>
#include <torch/optim/optimizer.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/data/data_splits.h"
#include "core/experiment/experiment.h"
#include "core/train/checkpoint.h"
#include "core/train/events.h"
#include "core/train/learning_rate_schedule.h"
#include "core/train/run_control.h"
#include "core/train/stop_signal.h"

namespace cradle {

class BatchLoader;
class DataParallelGroup;
class Distiller;
class TrainingWindow;
class ImageAugmenter;
class PairScorer;

// Filled by name (`setup.stop = &stop;`), never by position: several fields
// share a type, and the constructor below keeps `TrainerSetup{a, b, c}` from
// compiling, so reordering them cannot silently swap values.
struct TrainerSetup {
  TrainerSetup() {}                      // NOLINT(modernize-use-equals-default): user-provided, so not an aggregate
  std::filesystem::path checkpoint_dir;  // empty: no checkpoints
  const StopSignal* stop = nullptr;
  torch::Device device = torch::kCPU;
  const ImageAugmenter* augmenter = nullptr;  // applied to training batches only
  // A checkpoint of this run to continue from (model, optimizer, position,
  // loop state); the batches of its epoch already trained are skipped.
  std::filesystem::path resume_from;
  RunControl* control = nullptr;  // pause and checkpoint-now requests (the studio)
  // Preference pairs (reward models, DPO): how the model scores a pair; the
  // loss is then pairwise and accuracy the share of pairs ordered right.
  const PairScorer* pair_scorer = nullptr;
  // Compression stages: called before the first batch of every epoch (1-based;
  // again for a resumed epoch) and after every optimizer step.
  std::function<void(std::int64_t epoch)> on_epoch_start = nullptr;
  std::function<void()> after_optimizer_step = nullptr;
  // Distillation (stage distill): the training loss is the teacher-and-labels
  // loss; evaluation stays plain cross-entropy.
  const Distiller* distiller = nullptr;
  // Data-parallel training: this process is one rank of the group. Each rank
  // trains on its shard of every epoch with train.batch_size per rank; the
  // parameters start as rank 0's, gradients are averaged before every step,
  // and only rank 0 evaluates (sharing the validation figures) and writes
  // checkpoints (the others get an empty checkpoint_dir).
  DataParallelGroup* group = nullptr;
  // Replaces the schedule: the rate of each optimizer step (0-based) — the
  // learning-rate range test (core/run/learning_rate_finder.h).
  std::function<double(std::int64_t step)> learning_rate_at = nullptr;
};

class Trainer {
 public:
  Trainer(const Experiment& experiment, torch::nn::Sequential model, const DataSplits& data, TrainerSetup setup);

  void add_observer(TrainingObserver& observer) { observers_.push_back(&observer); }

  // Trains to the end or to a stop request. On an error, observers hear
  // on_failed and the exception propagates.
  TrainingOutcome run();

 private:
  struct Loop;
  TrainingOutcome train_epochs();
  Loop start_loop();  // the plan, the schedule and where a resumed run stands; observers hear on_started
  // One epoch's optimizer steps; false when a stop was requested (the caller checkpoints).
  bool train_epoch(Loop& loop, std::int64_t epoch);
  // A micro-batch's forward pass, loss and backward pass, added to the window.
  void train_micro_batch(Loop& loop, BatchLoader& loader, TrainingWindow& window, double group_samples,
                         std::int64_t epoch);
  // Averaged over a group's ranks, L1, clipped and checked: the optimizer's step.
  void optimizer_step(Loop& loop, std::int64_t epoch);
  void log_window(Loop& loop, TrainingWindow& window, std::int64_t epoch);  // one line of training metrics
  // Validation (the schedule, best.pt, early stopping) and the epoch's checkpoint; true to stop early.
  bool end_epoch(std::int64_t step, std::int64_t epoch);
  // train.freeze: the chosen layers' parameters take no gradient up to until_epoch.
  void apply_freeze(std::int64_t epoch);
  // Rank 0's validation figures for every rank (the schedule and early stopping need them).
  void share_validation(EvaluationMetrics& metrics);
  bool writes_results() const;  // a single process, or rank 0 of a group
  EvaluationMetrics evaluate_split(const std::string& split, const TensorDataset& dataset, std::int64_t step,
                                   std::int64_t epoch);
  // Early stopping and best.pt; true when the run should stop now.
  bool track_best(const EvaluationMetrics& validation, std::int64_t step, std::int64_t epoch);
  void restore_best_weights();
  LoopState loop_state() const;
  // Loads setup_.resume_from; returns the position to continue from.
  CheckpointPosition resume();
  [[noreturn]] void diverged(const std::string& what, double value, std::int64_t step, std::int64_t epoch) const;
  void checkpoint(std::int64_t step, std::int64_t epoch, const std::string& file_name);
  // `complete` fills in what only a finished run knows before observers hear of it.
  TrainingOutcome finish(TrainingStatus status, std::int64_t steps, std::int64_t epochs_completed,
                         std::vector<double> throughputs, const std::function<void(TrainingOutcome&)>& complete = {});
  double elapsed_seconds() const;
  // Holds the loop while RunControl says paused (or until a stop); the time spent.
  std::chrono::steady_clock::duration wait_while_paused(std::int64_t step);
  std::size_t loader_threads() const;  // data.loader_threads with "auto" resolved
  template <typename Method, typename... Args>
  void notify(Method method, const Args&... args) {
    for (auto* observer : observers_) (observer->*method)(args...);
  }

  const Experiment& experiment_;
  torch::nn::Sequential model_;
  const DataSplits& data_;
  TrainerSetup setup_;
  std::vector<TrainingObserver*> observers_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<LearningRateSchedule> schedule_;
  std::vector<double> learning_rate_scales_;  // each optimizer group's multiple of train.lr (train.layer_lr)
  double learning_rate_ = 0;                  // the rate of the current step, before the groups' multiples
  // The best validation so far: its epoch, value and weights (parameters, then buffers).
  std::int64_t best_epoch_ = 0;
  std::optional<double> best_metric_;
  std::int64_t epochs_without_improvement_ = 0;
  std::vector<torch::Tensor> best_weights_;
  EpochCheckpoints epoch_checkpoints_;
  std::chrono::steady_clock::time_point started_;
  bool regression_;  // one output per sample against a number, else classes (labels or next tokens)
  bool pairwise_;    // preference pairs (setup_.pair_scorer): inputs [B, 2, T], the chosen reply first
};

}  // namespace cradle
