#pragma once
// One stage of an experiment as ExperimentRun runs it: pretraining a language
// model, classification (images and tables, or texts), supervised fine-tuning,
// a reward model, DPO, PPO, pruning, distillation. A runner knows what its
// stage reads (data, a base run, a teacher), which model it builds or takes
// over, what it adds to the trainer, what it writes to train.log and which
// sections it adds to report.json. Everything every stage shares — the run
// folder, threads and device, checkpoints and resume, observers, the common
// log lines and report fields — stays in ExperimentRun
// (core/run/experiment_run.cpp), which calls the hooks below in this order:
//   load → (torch's seed set) build → (run folder made) enter_folder →
//   describe, sample_snapshots → prepare_training → report_setup → (the loop
//   runs) → finish_model → report_results.
// core/run/stages/stage_registry.cpp maps an experiment to its runner;
// ARCHITECTURE.md says how to add one.
#include <torch/nn.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/data/data_cache.h"
#include "core/data/data_splits.h"
#include "core/experiment/experiment.h"
#include "core/run/run_folder.h"
#include "core/text/tokenizer.h"
#include "core/train/events.h"
#include "core/train/trainer.h"

namespace cradle {

class SampleSnapshots;

// What ExperimentRun shares with its stage runner.
struct StageContext {
  // The run's frozen copy (absolute paths); a stage completes it (a base run's model, computed normalisation).
  Experiment experiment;
  bool resuming = false;  // continuing from a checkpoint in the run's own folder
  bool writes = true;     // a single process or rank 0: the one that writes the run folder
  torch::Device device = torch::kCPU;
  // A text run's own tokenizer, when it already has one: a resumed run's, or the one rank 0 wrote for the other ranks.
  std::shared_ptr<const Tokenizer> saved_tokenizer;
  RunFolder folder;                             // set once the folder exists (from enter_folder on)
  std::function<void(const std::string&)> log;  // a line of train.log (does nothing on ranks that do not write)
};

class StageRunner {
 public:
  virtual ~StageRunner() = default;

  // Text stages keep a tokenizer in the run folder (the model's embedding rows are its token ids).
  virtual bool keeps_tokenizer() const = 0;
  // Throws when this stage cannot run as one rank of a data-parallel group.
  virtual void check_data_parallel() const {}
  // Throws when the stage has no learning rate to override (the range test).
  virtual void check_learning_rate_override() const {}

  // Reads and checks what the stage starts from and loads its data, before the
  // run folder exists: a bad base run or data file leaves nothing behind.
  virtual void load(StageContext& context) = 0;
  // Builds the model and gives it the weights it starts from. Torch's seed has
  // just been set: the order of what is built here decides the initial weights.
  virtual void build(StageContext& context) = 0;
  // The run folder exists (every rank): for what the stage keeps there itself.
  virtual void enter_folder(StageContext& context) {}

  // Rank 0 only. train.log's lines about the data and the starting point, after the common ones.
  virtual void describe(const StageContext& context) const {}
  // The fixed validation samples shown while training (none by default).
  virtual std::unique_ptr<SampleSnapshots> sample_snapshots(const StageContext& context);
  // report.json's sections of this stage: those known before training (kept
  // when training fails) and those that need the trained model.
  virtual void report_setup(const StageContext& context, Json& report) const = 0;
  virtual void report_results(const StageContext& context, Json& report) {}
  // Rank 0, once training has ended, just before model/model.pt is written
  // from model(): for what the stage keeps beside it (a LoRA run's adapters).
  virtual void finish_model(const StageContext& context) {}

  // The training loop, set up and ready to run (to the end or to a stop
  // request). By default the Trainer over data(), with what configure_trainer
  // adds to the shared setup.
  using TrainingLoop = std::function<TrainingOutcome()>;
  virtual TrainingLoop prepare_training(const StageContext& context, TrainerSetup setup,
                                        const std::vector<TrainingObserver*>& observers);

  virtual std::int64_t train_samples() const { return data().train.size(); }
  virtual const std::vector<std::string>& skipped() const = 0;  // unreadable files or bad records left out
  virtual CacheOutcome data_cache() const { return CacheOutcome::Off; }

  torch::nn::Sequential model() const { return model_; }
  std::shared_ptr<const Tokenizer> tokenizer() const { return tokenizer_; }  // null for images and tables
  const std::vector<std::int64_t>& input_shape() const { return input_shape_; }

 protected:
  virtual const DataSplits& data() const = 0;
  // The stage's own parts of the trainer's setup (a pair scorer, a distiller, pruning callbacks).
  virtual void configure_trainer(const StageContext& context, TrainerSetup& setup) {}
  // After the Trainer has put the model on its device.
  virtual void trainer_ready(const StageContext& context) {}

  torch::nn::Sequential model_{nullptr};
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::vector<std::int64_t> input_shape_;  // what the model reads (a compression stage rebuilds the original with it)
  std::int64_t outputs_ = 0;
};

}  // namespace cradle
