#include "core/train/trainer.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <thread>
#include <tuple>

#include "core/common/error.h"
#include "core/compress/distillation.h"
#include "core/data/batch_loader.h"
#include "core/data/epoch_order.h"
#include "core/data/image_augmentation.h"
#include "core/data/seeded_order.h"
#include "core/distributed/data_parallel_group.h"
#include "core/eval/classifier_evaluation.h"
#include "core/eval/preference_evaluation.h"
#include "core/eval/regression_evaluation.h"
#include "core/train/autocast.h"
#include "core/train/checkpoint.h"
#include "core/train/cross_entropy.h"
#include "core/train/layer_selection.h"
#include "core/train/optimizer_factory.h"
#include "core/train/prediction_units.h"
#include "core/train/training_window.h"

namespace cradle {
namespace fs = std::filesystem;

const char* to_string(TrainingStatus status) { return status == TrainingStatus::Completed ? "completed" : "stopped"; }

double median_throughput(std::vector<double> samples_per_second) {
  if (samples_per_second.empty()) return 0;
  const auto middle = samples_per_second.begin() + static_cast<std::ptrdiff_t>(samples_per_second.size() / 2);
  std::nth_element(samples_per_second.begin(), middle, samples_per_second.end());
  return *middle;
}

Trainer::Trainer(const Experiment& experiment, torch::nn::Sequential model, const DataSplits& data, TrainerSetup setup)
    : experiment_(experiment),
      model_(std::move(model)),
      data_(data),
      setup_(std::move(setup)),
      epoch_checkpoints_(experiment.train.keep_checkpoints, setup_.checkpoint_dir),
      regression_(experiment.task == Task::Regression),
      pairwise_(setup_.pair_scorer != nullptr) {
  model_->to(setup_.device);
  if (setup_.group) {  // every rank starts from rank 0's weights, whatever its own initialisation drew
    auto tensors = model_->parameters();
    for (const auto& buffer : model_->buffers()) tensors.push_back(buffer);
    setup_.group->broadcast_from_main(tensors);
  }
  const TrainSpec& spec = experiment_.train;
  check_layer_patterns(spec.freeze.layers, *model_, "train.freeze.layers");
  for (std::size_t g = 0; g < spec.layer_lr.size(); ++g)
    check_layer_patterns(spec.layer_lr[g].layers, *model_, "train.layer_lr[" + std::to_string(g) + "].layers");
  optimizer_ = make_optimizer(spec, model_->named_parameters());
  learning_rate_scales_ = learning_rate_scales(*optimizer_, spec.lr);
}

bool Trainer::writes_results() const { return !setup_.group || setup_.group->is_main(); }

std::size_t Trainer::loader_threads() const {
  const std::int64_t configured = experiment_.data.loader_threads;
  if (configured != kAutoLoaderThreads) return static_cast<std::size_t>(configured);
  // Measured on 2 cores that LibTorch keeps busy: a loader thread slowed the
  // Fashion-MNIST CNN by 10% (20% with augmentation) because it takes cycles
  // from the training threads; gathering in the training thread cost 0.4% of
  // the step time (4% with augmentation). A thread pays off only where a core
  // or an accelerator would otherwise wait.
  const auto cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return setup_.device.is_cuda() || torch::get_num_threads() < cores ? 1 : 0;
}

double Trainer::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

TrainingOutcome Trainer::run() {
  started_ = std::chrono::steady_clock::now();
  try {
    return train_epochs();
  } catch (const c10::Error& error) {
    const std::string message =
        "LibTorch error during training: " + std::string(error.what_without_backtrace()).substr(0, 300);
    for (auto* observer : observers_) observer->on_failed(message);
    throw Error(message);
  } catch (const std::exception& error) {
    for (auto* observer : observers_) observer->on_failed(error.what());
    throw;
  }
}

namespace {

// Samples per batch, summed over a group of batches.
std::int64_t samples_in(const EpochBatches& batches, std::size_t from, std::size_t to) {
  std::int64_t n = 0;
  for (std::size_t b = from; b < to; ++b) n += batches.samples_in(b);
  return n;
}

// The L1 penalty's sum: absolute values of the weights (tensors of 2+ dimensions;
// biases and normalisation scales are left alone, as with most L1 uses).
torch::Tensor absolute_weight_sum(torch::nn::Module& model) {
  torch::Tensor sum;
  for (const auto& p : model.parameters())
    if (p.requires_grad() && p.dim() >= 2) sum = sum.defined() ? sum + p.abs().sum() : p.abs().sum();
  return sum;
}

double metric_value(const EvaluationMetrics& m, const std::string& metric) {
  if (metric == "validation_accuracy") return m.accuracy;
  if (metric == "validation_mae") return m.mae.value_or(0);
  if (metric == "validation_rmse") return m.rmse.value_or(0);
  if (metric == "validation_r2") return m.r2.value_or(0);
  return m.loss;
}

}  // namespace

// What every epoch of a run shares: the plan, where a resumed run stands, the
// checks made on each step, and the throughputs measured so far.
struct Trainer::Loop {
  TrainingPlan plan;
  std::int64_t log_every = 1;
  CheckpointPosition resumed;
  std::int64_t steps_into_epoch = 0;  // optimizer steps already taken in the epoch the checkpoint interrupted
  std::int64_t step = 0;              // optimizer steps taken, over the whole run
  // On the CPU reading the loss each step costs nothing (there is no queue to
  // drain), so a non-finite value is caught at the step it appears; on a GPU
  // it is caught at the next log line instead.
  // In a group the ranks' losses differ, so a rank stopping on its own would
  // leave the others waiting: the averaged gradient's norm (the same on every
  // rank) catches a non-finite loss instead, at the same step.
  bool check_every_step = false;
  bool check_gradient_norm = false;
  bool bfloat16 = false;
  double clip = 0;  // train.clip_grad_norm, or infinity
  std::vector<torch::Tensor> parameters;
  std::vector<torch::Tensor> shared_buffers;  // a group's BatchNorm statistics, rank 0's shared after every step
  std::vector<double> throughputs;            // full logging windows only
  std::vector<double> partial;                // epoch-end windows, used when a run is too short for a full one
  const std::vector<double>& measured_throughputs() const { return throughputs.empty() ? partial : throughputs; }
};

TrainingOutcome Trainer::train_epochs() {
  const auto& spec = experiment_.train;
  Loop loop = start_loop();
  std::int64_t epochs_run = loop.resumed.epoch;
  bool stop_early = false;
  for (std::int64_t epoch = loop.resumed.epoch + 1; epoch <= spec.epochs && !stop_early; ++epoch) {
    if (!train_epoch(loop, epoch)) {
      checkpoint(loop.step, epoch - 1, "stopped.pt");
      return finish(TrainingStatus::Stopped, loop.step, epoch - 1, loop.measured_throughputs());
    }
    epochs_run = epoch;
    stop_early = end_epoch(loop.step, epoch);
  }
  // The test split (and model.pt) then see the best epoch's weights.
  const bool restore = spec.early_stopping.enabled && spec.early_stopping.restore_best && !best_weights_.empty();
  if (restore) restore_best_weights();
  if (writes_results()) evaluate_split("test", data_.test, loop.step, epochs_run);
  return finish(TrainingStatus::Completed, loop.step, epochs_run, loop.measured_throughputs(), [&](TrainingOutcome& o) {
    o.stopped_early = stop_early;
    o.best_epoch = best_epoch_;
    o.best_metric = best_metric_;
    o.restored_best = restore;
  });
}

Trainer::Loop Trainer::start_loop() {
  const auto& spec = experiment_.train;
  const std::int64_t n = data_.train.size();
  DataParallelGroup* const group = setup_.group;
  Loop loop;
  // A rank trains on its shard: its plan counts the shard's samples.
  loop.plan = plan_training(spec, group ? rank_shard_size(n, group->size()) : n);
  if (group) {  // what observers show: the whole training split, the samples of one step over every rank
    loop.plan.train_samples = n;
    loop.plan.batch_size = spec.batch_size * group->size();
  }
  const std::int64_t steps_per_epoch = loop.plan.steps_per_epoch;
  schedule_ = std::make_unique<LearningRateSchedule>(spec.schedule, spec.lr, loop.plan.total_steps, steps_per_epoch);
  loop.log_every = log_interval(spec.log_every, steps_per_epoch);
  loop.resumed = setup_.resume_from.empty() ? CheckpointPosition{} : resume();
  loop.steps_into_epoch = loop.resumed.step - loop.resumed.epoch * steps_per_epoch;
  if (loop.steps_into_epoch < 0 || loop.steps_into_epoch >= std::max<std::int64_t>(1, steps_per_epoch))
    throw DataError(setup_.resume_from.string() + ": its step " + std::to_string(loop.resumed.step) +
                    " does not fit epoch " + std::to_string(loop.resumed.epoch + 1) + " of this plan (" +
                    std::to_string(steps_per_epoch) + " steps per epoch); was train.batch_size or the data changed?");
  loop.plan.start_step = loop.resumed.step;
  loop.step = loop.resumed.step;
  notify(&TrainingObserver::on_started, loop.plan);

  loop.check_every_step = !setup_.device.is_cuda() && !group;
  loop.check_gradient_norm = !setup_.device.is_cuda() || group;
  loop.parameters = model_->parameters();
  if (group)
    for (const auto& buffer : model_->buffers())
      if (buffer.is_floating_point()) loop.shared_buffers.push_back(buffer);
  loop.clip = spec.clip_grad_norm > 0 ? spec.clip_grad_norm : std::numeric_limits<double>::infinity();
  loop.bfloat16 = spec.precision == Precision::Bfloat16;
  return loop;
}

bool Trainer::train_epoch(Loop& loop, std::int64_t epoch) {
  const auto& spec = experiment_.train;
  DataParallelGroup* const group = setup_.group;
  model_->train();
  apply_freeze(epoch);
  if (setup_.on_epoch_start) setup_.on_epoch_start(epoch);
  EpochBatches batches(data_.train.size(), epoch_seed(experiment_.seed, epoch), spec.batch_size,
                       data_.train.mapped() ? EpochBatches::Shuffle::Computed : EpochBatches::Shuffle::Held,
                       group ? group->rank() : 0, group ? group->size() : 1);
  if (epoch == loop.resumed.epoch + 1 && loop.steps_into_epoch > 0)  // the same order; its first batches are done
    batches.skip(static_cast<std::size_t>(loop.steps_into_epoch * spec.accumulate_steps));
  // Background threads gather (and augment) the next batches while this one trains.
  const ImageAugmenter* augmenter = setup_.augmenter && !setup_.augmenter->empty() ? setup_.augmenter : nullptr;
  BatchLoader loader(
      batches.size(),
      [&, epoch](std::size_t index) {
        const auto indices = batches.indices(index);
        Batch batch = data_.train.batch(indices);
        if (augmenter) batch.inputs = augmenter->apply(batch.inputs, indices, epoch);
        return batch;
      },
      static_cast<std::size_t>(experiment_.data.prefetch_batches), loader_threads());
  TrainingWindow window(setup_.device, pairwise_     ? TrainingWindow::Predictions::Pairs
                                       : regression_ ? TrainingWindow::Predictions::Numbers
                                                     : TrainingWindow::Predictions::Classes);
  for (std::size_t b = 0; b < batches.size();) {
    if (setup_.control) {
      if (setup_.control->take_checkpoint_request()) checkpoint(loop.step, epoch - 1, "saved.pt");
      if (setup_.control->paused())
        window.exclude(wait_while_paused(loop.step));  // throughput counts training time only
    }
    const bool stop_requested = setup_.stop && setup_.stop->requested();
    if (group ? group->any(stop_requested) : stop_requested) return false;  // a group stops together, at the same step
    // One optimizer step over `accumulate_steps` micro-batches: each loss is
    // weighted by its share of the group's samples, so the summed gradient
    // equals that of one batch holding them all.
    const std::size_t group_end = std::min(batches.size(), b + static_cast<std::size_t>(spec.accumulate_steps));
    const auto group_samples = static_cast<double>(samples_in(batches, b, group_end));
    learning_rate_ = setup_.learning_rate_at ? setup_.learning_rate_at(loop.step) : schedule_->at(loop.step);
    set_learning_rate(*optimizer_, learning_rate_, learning_rate_scales_);
    clear_gradients(*optimizer_);
    for (; b < group_end; ++b) train_micro_batch(loop, loader, window, group_samples, epoch);
    const auto optimizer_start = std::chrono::steady_clock::now();
    optimizer_step(loop, epoch);
    window.optimizer += seconds_since(optimizer_start);
    ++loop.step;
    const bool last_of_epoch = b == batches.size();
    if (loop.step % loop.log_every == 0 || last_of_epoch) log_window(loop, window, epoch);
  }
  return true;
}

void Trainer::train_micro_batch(Loop& loop, BatchLoader& loader, TrainingWindow& window, double group_samples,
                                std::int64_t epoch) {
  const auto fetch_start = std::chrono::steady_clock::now();
  const Batch batch = *loader.next();
  const auto inputs = batch.inputs.to(setup_.device);
  const auto targets = batch.targets.to(setup_.device);
  window.data_wait += seconds_since(fetch_start);

  const auto forward_start = std::chrono::steady_clock::now();
  torch::Tensor loss, predictions, flat_targets;
  {
    const AutocastScope autocast(loop.bfloat16, setup_.device);
    if (pairwise_) {
      predictions = setup_.pair_scorer->score(model_, inputs, targets).rewards;  // [B, 2]
      flat_targets = predictions.select(1, 0);                                   // one prediction per pair
      loss = pairwise_preference_loss(predictions, setup_.pair_scorer->loss_options());
    } else if (const auto outputs = model_->forward(inputs); regression_) {
      predictions = outputs.reshape({-1}).to(torch::kFloat32);
      flat_targets = targets;
      loss = regression_loss(experiment_.train.loss, predictions, targets);
    } else {
      std::tie(predictions, flat_targets) = flatten_predictions(outputs, targets);
      const double smoothing = experiment_.train.label_smoothing;
      loss = setup_.distiller ? setup_.distiller->loss(inputs, targets, predictions, flat_targets, smoothing)
                              : softmax_cross_entropy(predictions.to(torch::kFloat32), flat_targets, smoothing);
    }
  }
  window.forward += seconds_since(forward_start);
  if (loop.check_every_step) {
    const double value = loss.item<double>();
    if (!std::isfinite(value)) diverged("loss", value, loop.step + 1, epoch);
  }
  const auto backward_start = std::chrono::steady_clock::now();
  (loss * (static_cast<double>(targets.size(0)) / group_samples)).backward();
  window.backward += seconds_since(backward_start);
  window.add(loss, predictions, flat_targets, targets.size(0));
}

void Trainer::optimizer_step(Loop& loop, std::int64_t epoch) {
  const auto& spec = experiment_.train;
  DataParallelGroup* const group = setup_.group;
  if (group) group->average_gradients(loop.parameters);
  if (spec.l1 > 0)
    absolute_weight_sum(*model_).mul(spec.l1).backward();  // the same on every rank: added after averaging
  if (loop.check_gradient_norm || spec.clip_grad_norm > 0) {
    const double norm = torch::nn::utils::clip_grad_norm_(loop.parameters, loop.clip);
    if (!std::isfinite(norm)) diverged("gradient norm", norm, loop.step + 1, epoch);
  }
  optimizer_->step();
  if (!loop.shared_buffers.empty()) group->broadcast_from_main(loop.shared_buffers);
  if (setup_.after_optimizer_step) setup_.after_optimizer_step();
}

void Trainer::log_window(Loop& loop, TrainingWindow& window, std::int64_t epoch) {
  if (setup_.group) window.sum_over(*setup_.group);
  StepMetrics m = window.close(loop.step, epoch, data_.target_std);
  if (!std::isfinite(m.loss)) diverged("loss", m.loss, loop.step, epoch);
  m.lr = learning_rate_;  // train.lr's schedule; groups of train.layer_lr run at their multiple of it
  m.wall_seconds = elapsed_seconds();
  // Partial windows at epoch ends would skew the median throughput.
  (loop.step % loop.log_every == 0 ? loop.throughputs : loop.partial).push_back(m.samples_per_second);
  notify(&TrainingObserver::on_step, m);
}

bool Trainer::end_epoch(std::int64_t step, std::int64_t epoch) {
  bool stop_early = false;
  if (data_.validation.size() > 0) {
    auto validation =
        writes_results() ? evaluate_split("validation", data_.validation, step, epoch) : EvaluationMetrics{};
    if (setup_.group) share_validation(validation);
    schedule_->observe_validation_loss(validation.loss);
    stop_early = track_best(validation, step, epoch);
  }
  if (experiment_.train.keep_checkpoints > 0) checkpoint(step, epoch, EpochCheckpoints::file_name(epoch));
  return stop_early;
}

bool Trainer::track_best(const EvaluationMetrics& validation, std::int64_t step, std::int64_t epoch) {
  const auto& early = experiment_.train.early_stopping;
  const std::string metric = early.enabled ? early.metric : "validation_loss";
  const bool higher_is_better = early.enabled && early.higher_is_better();
  const double value = metric_value(validation, metric);
  const double delta = early.enabled ? early.min_delta : 0.0;
  const bool improved =
      !best_metric_ || (higher_is_better ? value > *best_metric_ + delta : value < *best_metric_ - delta);
  if (improved) {
    best_metric_ = value;
    best_epoch_ = epoch;
    epochs_without_improvement_ = 0;
    if (early.enabled && early.restore_best) {
      torch::NoGradGuard no_grad;
      best_weights_.clear();
      for (const auto& p : model_->parameters()) best_weights_.push_back(p.detach().clone());
      for (const auto& buffer : model_->buffers()) best_weights_.push_back(buffer.detach().clone());
    }
    checkpoint(step, epoch, "best.pt");
    return false;
  }
  ++epochs_without_improvement_;
  return early.enabled && epochs_without_improvement_ >= early.patience;
}

namespace {

// The default generator of the GPU training runs on (CUDA builds; in a
// CPU-only LibTorch this is never reached, since the device cannot be CUDA).
at::Generator cuda_generator_of(const torch::Device& device) {
  const auto index =
      device.has_index() ? device.index() : static_cast<c10::DeviceIndex>(at::detail::getCUDAHooks().current_device());
  return at::globalContext().defaultGenerator(torch::Device(torch::kCUDA, index));
}

}  // namespace

LoopState Trainer::loop_state() const {
  LoopState loop;
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    loop.cpu_generator = generator.get_state();
  }
  if (setup_.device.is_cuda()) {
    auto generator = cuda_generator_of(setup_.device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    loop.cuda_generator = generator.get_state();
  }
  loop.plateau_scale = schedule_->state().scale;
  loop.plateau_best = schedule_->state().best;
  loop.plateau_bad_epochs = schedule_->state().bad_epochs;
  loop.best_epoch = best_epoch_;
  loop.best_metric = best_metric_.value_or(0);
  loop.epochs_without_improvement = epochs_without_improvement_;
  return loop;
}

CheckpointPosition Trainer::resume() {
  // The best weights first (best.pt beside the checkpoint), then the checkpoint itself over them.
  LoopState loop;
  const fs::path best_file = setup_.checkpoint_dir / "best.pt";
  const auto& early = experiment_.train.early_stopping;
  if (early.enabled && early.restore_best && !setup_.checkpoint_dir.empty() && fs::exists(best_file)) {
    load_checkpoint(best_file, *model_, nullptr);
    torch::NoGradGuard no_grad;
    for (const auto& p : model_->parameters()) best_weights_.push_back(p.detach().clone());
    for (const auto& buffer : model_->buffers()) best_weights_.push_back(buffer.detach().clone());
  }
  const CheckpointPosition position = load_checkpoint(setup_.resume_from, *model_, optimizer_.get(), &loop);
  if (loop.cpu_generator.defined()) {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(loop.cpu_generator);
  }
  if (loop.cuda_generator.defined() && setup_.device.is_cuda()) {
    auto generator = cuda_generator_of(setup_.device);
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(loop.cuda_generator);
  }
  schedule_->restore({loop.plateau_scale, loop.plateau_best, loop.plateau_bad_epochs});
  best_epoch_ = loop.best_epoch;
  if (best_epoch_ > 0) best_metric_ = loop.best_metric;
  epochs_without_improvement_ = loop.epochs_without_improvement;
  return position;
}

void Trainer::apply_freeze(std::int64_t epoch) {
  const FreezeSpec& freeze = experiment_.train.freeze;
  if (freeze.layers.empty()) return;
  const bool frozen = freeze.until_epoch == 0 || epoch <= freeze.until_epoch;
  for (auto& p : model_->named_parameters())
    if (layer_selected(freeze.layers, p.key())) p.value().set_requires_grad(!frozen);
  // A frozen batch norm keeps the statistics it came with: in evaluation mode it normalises by its running
  // statistics and leaves them as they are (as Keras does for a layer with trainable=False). Left in training
  // mode it would normalise by each small batch's own statistics, which its frozen scale and shift were not
  // learnt for, and overwrite the backbone's statistics with the new data's.
  for (const auto& module : model_->modules(false)) {
    if (!module->as<torch::nn::BatchNorm1d>() && !module->as<torch::nn::BatchNorm2d>()) continue;
    const auto parameters = module->parameters();
    if (!parameters.empty() &&
        std::none_of(parameters.begin(), parameters.end(), [](const torch::Tensor& p) { return p.requires_grad(); }))
      module->eval();
  }
}

void Trainer::restore_best_weights() {
  if (best_weights_.empty()) return;
  torch::NoGradGuard no_grad;
  std::size_t i = 0;
  for (auto& p : model_->parameters()) p.copy_(best_weights_[i++]);
  for (auto& buffer : model_->buffers()) buffer.copy_(best_weights_[i++]);
}

void Trainer::diverged(const std::string& what, double value, std::int64_t step, std::int64_t epoch) const {
  throw Error("training diverged at step " + std::to_string(step) + " (epoch " + std::to_string(epoch) + "): the " +
              what + " is " +
              (std::isnan(value) ? "nan"
               : value > 0       ? "inf"
                                 : "-inf") +
              "; checkpoints saved before it are untouched. Lower train.lr or set train.clip_grad_norm");
}

TrainingOutcome Trainer::finish(TrainingStatus status, std::int64_t steps, std::int64_t epochs_completed,
                                std::vector<double> throughputs,
                                const std::function<void(TrainingOutcome&)>& complete) {
  TrainingOutcome outcome;
  outcome.status = status;
  outcome.steps = steps;
  outcome.epochs_completed = epochs_completed;
  outcome.wall_seconds = elapsed_seconds();
  outcome.median_samples_per_second = median_throughput(std::move(throughputs));
  if (complete) complete(outcome);
  notify(&TrainingObserver::on_finished, outcome);
  return outcome;
}

void Trainer::share_validation(EvaluationMetrics& m) {
  auto figures =
      torch::tensor({m.loss, m.accuracy, m.mae.value_or(0), m.rmse.value_or(0), m.r2.value_or(0)}, torch::kFloat64);
  setup_.group->broadcast_from_main({figures});
  if (writes_results()) return;
  m.split = "validation";
  m.loss = figures[0].item<double>();
  m.accuracy = figures[1].item<double>();
  if (regression_)
    m.mae = figures[2].item<double>(), m.rmse = figures[3].item<double>(), m.r2 = figures[4].item<double>();
}

EvaluationMetrics Trainer::evaluate_split(const std::string& split, const TensorDataset& dataset, std::int64_t step,
                                          std::int64_t epoch) {
  EvaluationMetrics m;
  m.split = split;
  m.step = step;
  m.epoch = epoch;
  if (pairwise_) {
    const auto scores =
        evaluate_preferences(*setup_.pair_scorer, model_, dataset, experiment_.eval.batch_size, setup_.device);
    m.loss = scores.loss;
    m.accuracy = scores.accuracy;
    m.reward_gap = scores.reward_gap;
    m.chosen_reward = scores.chosen_reward;
    m.rejected_reward = scores.rejected_reward;
    m.chosen_logprob = scores.chosen_logprob;
    m.rejected_logprob = scores.rejected_logprob;
    m.samples = scores.pairs;
  } else if (regression_) {
    const auto scores = evaluate_regressor(model_, dataset, experiment_.eval.batch_size, setup_.device,
                                           experiment_.train.loss, data_.target_std);
    m.loss = scores.loss;
    m.mae = scores.mae;
    m.rmse = scores.rmse;
    m.r2 = scores.r2;
    m.samples = scores.samples;
  } else {
    const auto scores = evaluate_classifier(model_, dataset, experiment_.eval.batch_size, setup_.device);
    m.loss = scores.loss;
    m.accuracy = scores.accuracy;
    m.samples = scores.samples;
  }
  m.wall_seconds = elapsed_seconds();
  notify(&TrainingObserver::on_evaluation, m);
  return m;
}

std::chrono::steady_clock::duration Trainer::wait_while_paused(std::int64_t step) {
  const auto start = std::chrono::steady_clock::now();
  notify(&TrainingObserver::on_paused, step);
  // Polling is enough: a pause lasts seconds at least, and a poll costs nothing.
  while (setup_.control->paused() && !(setup_.stop && setup_.stop->requested()))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto paused = std::chrono::steady_clock::now() - start;
  started_ += paused;  // a pause is not training time: wall_time and the time left leave it out
  notify(&TrainingObserver::on_resumed, step, std::chrono::duration<double>(paused).count());
  return paused;
}

void Trainer::checkpoint(std::int64_t step, std::int64_t epoch, const std::string& file_name) {
  if (setup_.checkpoint_dir.empty()) return;
  const fs::path path = setup_.checkpoint_dir / file_name;
  const LoopState loop = loop_state();
  save_checkpoint(path, *model_, *optimizer_, {epoch, step}, &loop);
  if (EpochCheckpoints::is_epoch_checkpoint(file_name)) epoch_checkpoints_.added(path);
  notify(&TrainingObserver::on_checkpoint, CheckpointSaved{path, step, epoch});
}

}  // namespace cradle
