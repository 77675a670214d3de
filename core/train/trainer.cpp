#include "core/train/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <tuple>

#include "core/common/error.h"
#include "core/data/batch_loader.h"
#include "core/data/image_augmentation.h"
#include "core/data/seeded_order.h"
#include "core/eval/classifier_evaluation.h"
#include "core/eval/regression_evaluation.h"
#include "core/train/checkpoint.h"
#include "core/train/optimizer_factory.h"
#include "core/train/prediction_units.h"

namespace cradle {
namespace fs = std::filesystem;

const char* to_string(TrainingStatus status) {
  return status == TrainingStatus::Completed ? "completed" : "stopped";
}

Trainer::Trainer(const Experiment& experiment, torch::nn::Sequential model, const DataSplits& data,
                 TrainerSetup setup)
    : experiment_(experiment), model_(std::move(model)), data_(data), setup_(std::move(setup)),
      regression_(experiment.task == "regression") {
  model_->to(setup_.device);
  optimizer_ = make_optimizer(experiment_.train, model_->parameters());
}

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
    const std::string message = "LibTorch error during training: " +
                                std::string(error.what_without_backtrace()).substr(0, 300);
    for (auto* observer : observers_) observer->on_failed(message);
    throw Error(message);
  } catch (const std::exception& error) {
    for (auto* observer : observers_) observer->on_failed(error.what());
    throw;
  }
}

TrainingOutcome Trainer::train_epochs() {
  const auto& spec = experiment_.train;
  const std::int64_t n = data_.train.size();
  TrainingPlan plan;
  plan.epochs = spec.epochs;
  plan.steps_per_epoch = (n + spec.batch_size - 1) / spec.batch_size;
  plan.total_steps = plan.epochs * plan.steps_per_epoch;
  plan.train_samples = n;
  plan.batch_size = spec.batch_size;
  notify(&TrainingObserver::on_started, plan);

  std::vector<double> throughputs;  // full logging windows only
  std::vector<double> partial;      // epoch-end windows, used when a run is too short for a full one
  std::int64_t step = 0;
  const auto tensor_options = torch::TensorOptions().device(setup_.device);
  for (std::int64_t epoch = 1; epoch <= spec.epochs; ++epoch) {
    model_->train();
    const auto batches = index_batches(seeded_permutation(n, epoch_seed(experiment_.seed, epoch)), spec.batch_size);
    // Background threads gather (and augment) the next batches while this one trains.
    const ImageAugmenter* augmenter = setup_.augmenter && !setup_.augmenter->empty() ? setup_.augmenter : nullptr;
    BatchLoader loader(
        batches.size(),
        [&, epoch](std::size_t index) {
          Batch batch = data_.train.batch(batches[index]);
          if (augmenter) batch.inputs = augmenter->apply(batch.inputs, batches[index], epoch);
          return batch;
        },
        static_cast<std::size_t>(experiment_.data.prefetch_batches), loader_threads());
    // Sums stay on the device and are read only when logging, so a GPU is not
    // synchronised on every step.
    auto loss_sum = torch::zeros({}, tensor_options.dtype(torch::kFloat64));
    auto correct = torch::zeros({}, tensor_options.dtype(torch::kInt64));
    auto absolute_error = torch::zeros({}, tensor_options.dtype(torch::kFloat64));  // regression
    std::int64_t window_samples = 0, window_predictions = 0;
    double data_wait = 0;
    auto window_start = std::chrono::steady_clock::now();

    for (size_t b = 0; b < batches.size(); ++b) {
      if (setup_.stop && setup_.stop->requested()) {
        checkpoint(step, epoch - 1, "stopped.pt");
        return finish(TrainingStatus::Stopped, step, epoch - 1, throughputs.empty() ? partial : throughputs);
      }
      const auto fetch_start = std::chrono::steady_clock::now();
      const Batch batch = *loader.next();
      const auto inputs = batch.inputs.to(setup_.device);
      const auto targets = batch.targets.to(setup_.device);
      data_wait += std::chrono::duration<double>(std::chrono::steady_clock::now() - fetch_start).count();

      optimizer_->zero_grad();
      const auto outputs = model_->forward(inputs);
      torch::Tensor loss, predictions, flat_targets;
      if (regression_) {
        predictions = outputs.reshape({-1});
        flat_targets = targets;
        loss = regression_loss(experiment_.train.loss, predictions, targets);
      } else {
        std::tie(predictions, flat_targets) = flatten_predictions(outputs, targets);
        loss = torch::nn::functional::cross_entropy(predictions, flat_targets);
      }
      loss.backward();
      optimizer_->step();
      ++step;

      {
        torch::NoGradGuard no_grad;
        loss_sum += loss.detach().to(torch::kFloat64) * static_cast<double>(flat_targets.numel());
        if (regression_) absolute_error += (predictions.detach() - flat_targets).abs().sum().to(torch::kFloat64);
        else correct += predictions.argmax(1).eq(flat_targets).sum();
      }
      window_samples += targets.size(0);
      window_predictions += flat_targets.numel();

      const bool last_of_epoch = b + 1 == batches.size();
      if (step % spec.log_every == 0 || last_of_epoch) {
        const double window_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
        StepMetrics m;
        m.step = step;
        m.epoch = epoch;
        m.loss = loss_sum.item<double>() / static_cast<double>(window_predictions);
        if (regression_)
          m.mae = absolute_error.item<double>() / static_cast<double>(window_predictions) * data_.target_std;
        else
          m.accuracy = static_cast<double>(correct.item<std::int64_t>()) / static_cast<double>(window_predictions);
        if (!std::isfinite(m.loss))
          throw Error("training diverged: the loss is " + std::to_string(m.loss) + " at step " + std::to_string(step) +
                      " (epoch " + std::to_string(epoch) + "); lower train.lr");
        m.lr = current_learning_rate(*optimizer_);
        m.samples_per_second = window_seconds > 0 ? static_cast<double>(window_samples) / window_seconds : 0;
        m.data_wait_seconds = data_wait;
        m.wall_seconds = elapsed_seconds();
        // Partial windows at epoch ends would skew the median throughput.
        (step % spec.log_every == 0 ? throughputs : partial).push_back(m.samples_per_second);
        notify(&TrainingObserver::on_step, m);
        loss_sum.zero_();
        correct.zero_();
        absolute_error.zero_();
        window_samples = window_predictions = 0;
        data_wait = 0;
        window_start = std::chrono::steady_clock::now();
      }
    }
    if (data_.validation.size() > 0) evaluate_split("validation", data_.validation, step, epoch);
    if (spec.keep_checkpoints > 0) {
      char name[32];
      std::snprintf(name, sizeof name, "epoch-%04lld.pt", static_cast<long long>(epoch));
      checkpoint(step, epoch, name);
    }
  }
  evaluate_split("test", data_.test, step, spec.epochs);
  return finish(TrainingStatus::Completed, step, spec.epochs, throughputs.empty() ? partial : throughputs);
}

TrainingOutcome Trainer::finish(TrainingStatus status, std::int64_t steps, std::int64_t epochs_completed,
                                std::vector<double> throughputs) {
  TrainingOutcome outcome;
  outcome.status = status;
  outcome.steps = steps;
  outcome.epochs_completed = epochs_completed;
  outcome.wall_seconds = elapsed_seconds();
  if (!throughputs.empty()) {
    const auto middle = throughputs.begin() + static_cast<std::ptrdiff_t>(throughputs.size() / 2);
    std::nth_element(throughputs.begin(), middle, throughputs.end());
    outcome.median_samples_per_second = *middle;
  }
  notify(&TrainingObserver::on_finished, outcome);
  return outcome;
}

void Trainer::evaluate_split(const std::string& split, const TensorDataset& dataset, std::int64_t step,
                             std::int64_t epoch) {
  EvaluationMetrics m;
  m.split = split;
  m.step = step;
  m.epoch = epoch;
  if (regression_) {
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
}

void Trainer::checkpoint(std::int64_t step, std::int64_t epoch, const std::string& file_name) {
  if (setup_.checkpoint_dir.empty()) return;
  const fs::path path = setup_.checkpoint_dir / file_name;
  save_checkpoint(path, *model_, *optimizer_, {epoch, step});
  if (file_name.rfind("epoch-", 0) == 0) {
    epoch_checkpoints_.push_back(path);
    while (static_cast<std::int64_t>(epoch_checkpoints_.size()) > experiment_.train.keep_checkpoints) {
      std::error_code ec;
      fs::remove(epoch_checkpoints_.front(), ec);
      epoch_checkpoints_.erase(epoch_checkpoints_.begin());
    }
  }
  notify(&TrainingObserver::on_checkpoint, CheckpointSaved{path, step, epoch});
}

}  // namespace cradle
