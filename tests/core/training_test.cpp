// The trainer on a tiny learnable data set: the loss falls, runs are
// deterministic, stop requests are honoured with a usable checkpoint.
#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <set>
#include <thread>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"
#include "core/models/model_factory.h"
#include "core/models/model_inspection.h"
#include "core/run/stages/stage_registry.h"
#include "core/train/autocast.h"
#include "core/train/checkpoint.h"
#include "core/train/learning_rate_schedule.h"
#include "core/train/optimizer_factory.h"
#include "core/train/run_control.h"
#include "core/train/runtime.h"
#include "core/train/trainer.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

// A trainer's setup by name: stoppable (with checkpoints), resumed from one, paused by a control.
TrainerSetup stoppable(const StopSignal& stop, const std::filesystem::path& checkpoints = {}) {
  TrainerSetup setup;
  setup.stop = &stop;
  setup.checkpoint_dir = checkpoints;
  return setup;
}
TrainerSetup resuming(TrainerSetup setup, const std::filesystem::path& checkpoint) {
  setup.resume_from = checkpoint;
  return setup;
}
TrainerSetup controlled(TrainerSetup setup, RunControl& control) {
  setup.control = &control;
  return setup;
}

class Recorder : public TrainingObserver {
 public:
  void on_started(const TrainingPlan& p) override { plan = p; }
  void on_step(const StepMetrics& m) override {
    steps.push_back(m);
    if (stop_after_step > 0 && m.step >= stop_after_step && stop) stop->request();
  }
  void on_evaluation(const EvaluationMetrics& m) override { evaluations.push_back(m); }
  void on_checkpoint(const CheckpointSaved& c) override { checkpoints.push_back(c); }
  void on_finished(const TrainingOutcome& o) override { outcome = o; }

  TrainingPlan plan;
  std::vector<StepMetrics> steps;
  std::vector<EvaluationMetrics> evaluations;
  std::vector<CheckpointSaved> checkpoints;
  TrainingOutcome outcome;
  std::int64_t stop_after_step = 0;
  StopSignal* stop = nullptr;
};

struct Fixture {
  QTemporaryDir dir;
  Experiment experiment;
  ClassificationData data;

  explicit Fixture(const std::string& extra = "{}") {
    write_quadrant_dataset(dir.path(), 200, 80);
    experiment = load_experiment(write_quadrant_experiment(dir.path(), extra).toStdString());
    configure_runtime(experiment.threads);
    data = load_classification_data(experiment);
  }

  torch::nn::Sequential model() {
    torch::manual_seed(experiment.seed);
    return build_model(experiment.model, data.input_shape, data.num_classes(), data.category_sizes);
  }

  Recorder train(const std::filesystem::path& checkpoints = {}, std::int64_t stop_after = 0) {
    StopSignal stop;
    Recorder recorder;
    recorder.stop_after_step = stop_after;
    recorder.stop = &stop;
    Trainer trainer(experiment, model(), data, stoppable(stop, checkpoints));
    trainer.add_observer(recorder);
    trainer.run();
    return recorder;
  }
};

// Pauses the run at the first logged step from 5 on and asks for a checkpoint,
// as the dashboard's buttons would.
struct Pausing : Recorder {
  RunControl* control = nullptr;
  std::atomic<std::int64_t> requested_at{-1};
  std::atomic<std::int64_t> paused_at{-1};
  std::atomic<double> paused_for{0};
  void on_step(const StepMetrics& m) override {
    Recorder::on_step(m);
    if (m.step >= 5 && requested_at < 0) {  // as the dashboard's buttons would, from another thread
      requested_at = m.step;
      control->request_checkpoint();
      control->pause();
    }
  }
  void on_paused(std::int64_t step) override { paused_at = step; }
  void on_resumed(std::int64_t, double seconds) override { paused_for = seconds; }
};

}  // namespace

class TrainingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Every stage the experiment file can name has its runner (the registry's
  // switch over Stage does not compile without one), text stages keep a
  // tokenizer, and only PPO refuses to train as one rank of a group.
  void everyStageHasItsRunner() {
    struct Case {
      Stage stage;
      Task task;
      DataSource source;
      bool keeps_tokenizer;
    };
    const Case cases[] = {{Stage::Pretrain, Task::Classification, DataSource::Idx, false},
                          {Stage::Pretrain, Task::Regression, DataSource::Csv, false},
                          {Stage::Pretrain, Task::Classification, DataSource::Jsonl, true},
                          {Stage::Pretrain, Task::LanguageModel, DataSource::Text, true},
                          {Stage::Sft, Task::LanguageModel, DataSource::Dialogues, true},
                          {Stage::Reward, Task::LanguageModel, DataSource::Preferences, true},
                          {Stage::Dpo, Task::LanguageModel, DataSource::Preferences, true},
                          {Stage::Ppo, Task::LanguageModel, DataSource::Prompts, true},
                          {Stage::Prune, Task::Classification, DataSource::Idx, false},
                          {Stage::Distill, Task::Classification, DataSource::Idx, false},
                          {Stage::Distill, Task::LanguageModel, DataSource::Text, true}};
    std::set<Stage> covered;
    for (const Case& c : cases) {
      Experiment e;
      e.stage = c.stage;
      e.task = c.task;
      e.data.source = c.source;
      const auto runner = make_stage_runner(e);
      QVERIFY(runner);
      QCOMPARE(runner->keeps_tokenizer(), c.keeps_tokenizer);
      if (c.stage == Stage::Ppo)
        QVERIFY_THROWS_EXCEPTION(ConfigError, runner->check_data_parallel());
      else
        runner->check_data_parallel();
      covered.insert(c.stage);
    }
    QCOMPARE(covered.size(), stage_names().size());
  }

  // app/common/openmp_wait_policy.cpp runs every Cradle executable (this one
  // too) with OpenMP threads that sleep at barriers unless the environment
  // chose; spinning ones made a loaded machine 20 times slower.
  void openmpWaitPolicyIsSet() { QVERIFY(!qgetenv("OMP_WAIT_POLICY").isEmpty()); }

  // A short run logs at least kMinLogPointsPerEpoch lines an epoch, whatever log_every says.
  void shortRunsLogEnoughPointsToDraw() {
    QCOMPARE(log_interval(50, 29), std::int64_t(5));
    QCOMPARE(log_interval(50, 2000), std::int64_t(50));
    QCOMPARE(log_interval(50, 3), std::int64_t(1));
    QCOMPARE(log_interval(1, 29), std::int64_t(1));
    Fixture f(R"({"train": {"epochs": 1, "log_every": 50}})");  // the default
    const Recorder recorder = f.train();
    QVERIFY(recorder.plan.steps_per_epoch < 50);
    QVERIFY2(recorder.steps.size() >= static_cast<std::size_t>(kMinLogPointsPerEpoch),
             qPrintable(QString::number(recorder.steps.size())));
  }

  void loadsSplitsFromTheExperiment() {
    Fixture f;
    QCOMPARE(f.data.validation.size(), 40);  // 20% of 200
    QCOMPARE(f.data.train.size(), 160);
    QCOMPARE(f.data.test.size(), 80);
    QCOMPARE(f.data.input_shape, (std::vector<std::int64_t>{1, 8, 8}));
    QCOMPARE(f.data.num_classes(), 4);
    QCOMPARE(f.data.train.inputs.max().item<float>() <= 1.0f, true);
  }

  void lossFallsAndAccuracyRises() {
    Fixture f(R"({"train": {"epochs": 4}})");
    const auto r = f.train();
    QCOMPARE(r.plan.steps_per_epoch, 10);  // 160 samples / batch 16
    QCOMPARE(r.outcome.status, TrainingStatus::Completed);
    QCOMPARE(r.outcome.steps, 40);
    QVERIFY2(r.steps.back().loss < 0.5 * r.steps.front().loss,
             qPrintable(QString("first %1 last %2").arg(r.steps.front().loss).arg(r.steps.back().loss)));
    QCOMPARE(r.evaluations.back().split, std::string("test"));
    QVERIFY2(r.evaluations.back().accuracy > 0.9, qPrintable(QString::number(r.evaluations.back().accuracy)));
    QCOMPARE(r.evaluations.back().samples, 80);
  }

  void sameSeedAndThreadsGiveSameLosses() {
    Fixture f(R"({"model": {"type": "cnn", "conv_channels": [4], "hidden": [8], "dropout": 0.2, "batch_norm": true}})");
    const auto a = f.train();
    const auto b = f.train();
    QCOMPARE(a.steps.size(), b.steps.size());
    for (size_t i = 0; i < a.steps.size(); ++i) QCOMPARE(a.steps[i].loss, b.steps[i].loss);
    QCOMPARE(a.evaluations.back().accuracy, b.evaluations.back().accuracy);
  }

  void otherSeedGivesOtherLosses() {
    Fixture a_fixture, b_fixture(R"({"seed": 8})");
    QVERIFY(a_fixture.train().steps.front().loss != b_fixture.train().steps.front().loss);
  }

  void stopRequestEndsAtStepBoundaryWithCheckpoint() {
    Fixture f(R"({"train": {"epochs": 3, "log_every": 1}})");
    QTemporaryDir checkpoints;
    const auto r = f.train(checkpoints.path().toStdString(), /*stop_after=*/13);
    QCOMPARE(r.outcome.status, TrainingStatus::Stopped);
    QCOMPARE(r.outcome.steps, 13);
    QCOMPARE(r.outcome.epochs_completed, 1);
    const auto stopped = std::filesystem::path(checkpoints.path().toStdString()) / "stopped.pt";
    QVERIFY(std::filesystem::exists(stopped));

    auto model = f.model();
    auto optimizer = make_optimizer(f.experiment.train, model->parameters());
    const auto position = load_checkpoint(stopped, *model, optimizer.get());
    QCOMPARE(position.step, 13);
    QCOMPARE(position.epoch, 1);
  }

  void resumedRunMatchesAnUninterruptedOne() {
    // Dropout (random draws), batch norm, accumulation and a cosine schedule: everything a resume must restore.
    Fixture f(R"({"model": {"type": "cnn", "conv_channels": [4], "hidden": [8], "dropout": 0.3, "batch_norm": true},
                 "train": {"epochs": 3, "log_every": 1, "accumulate_steps": 2,
                           "schedule": {"type": "cosine", "warmup_steps": 3},
                           "early_stopping": {"patience": 5}}})");
    QTemporaryDir straight_dir, interrupted_dir;
    const auto straight = f.train(straight_dir.path().toStdString());
    QCOMPARE(straight.plan.steps_per_epoch, 5);  // 10 micro-batches of 16, 2 per step
    const auto first = f.train(interrupted_dir.path().toStdString(), /*stop_after=*/7);
    QCOMPARE(first.outcome.status, TrainingStatus::Stopped);
    QCOMPARE(first.steps.size(), size_t(7));

    StopSignal stop;
    Recorder second;
    const auto checkpoints = std::filesystem::path(interrupted_dir.path().toStdString());
    auto model = f.model();  // freshly initialised: everything comes from the checkpoint
    Trainer trainer(f.experiment, model, f.data, resuming(stoppable(stop, checkpoints), checkpoints / "stopped.pt"));
    trainer.add_observer(second);
    trainer.run();
    QCOMPARE(second.plan.start_step, 7);
    QCOMPARE(second.steps.front().step, 8);
    QCOMPARE(first.steps.size() + second.steps.size(), straight.steps.size());
    for (size_t i = 0; i < straight.steps.size(); ++i) {
      const auto& resumed = i < first.steps.size() ? first.steps[i] : second.steps[i - first.steps.size()];
      QCOMPARE(resumed.step, straight.steps[i].step);
      QCOMPARE(resumed.lr, straight.steps[i].lr);
      QVERIFY2(
          resumed.loss == straight.steps[i].loss,
          qPrintable(QString("step %1: %2 vs %3").arg(resumed.step).arg(resumed.loss).arg(straight.steps[i].loss)));
    }
    QCOMPARE(second.evaluations.back().loss, straight.evaluations.back().loss);
    QCOMPARE(second.outcome.best_epoch, straight.outcome.best_epoch);
  }

  void resumeRefusesACheckpointOfAnotherPlan() {
    Fixture f(R"({"train": {"epochs": 2, "log_every": 1}})");
    QTemporaryDir dir;
    f.train(dir.path().toStdString(), /*stop_after=*/3);
    auto changed = f.experiment;
    changed.train.batch_size = 64;  // 3 steps per epoch now: step 3 cannot be inside epoch 1
    StopSignal stop;
    const auto checkpoints = std::filesystem::path(dir.path().toStdString());
    Trainer trainer(changed, f.model(), f.data, resuming(stoppable(stop, checkpoints), checkpoints / "stopped.pt"));
    try {
      trainer.run();
      QFAIL("resumed into another plan");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("does not fit epoch 1 of this plan (3 steps per epoch)"), error.what());
    }
  }

  void bfloat16AutocastTrainsWithFloat32Weights() {
    {
      torch::nn::Linear linear(4, 3);
      const auto x = torch::randn({2, 4});
      {
        const AutocastScope autocast(true, torch::kCPU);
        QCOMPARE(linear->forward(x).scalar_type(), torch::kBFloat16);
      }
      QCOMPARE(linear->forward(x).scalar_type(), torch::kFloat32);  // the scope ends with the block
      const AutocastScope off(false, torch::kCPU);
      QCOMPARE(linear->forward(x).scalar_type(), torch::kFloat32);
    }
    Fixture f(R"({"train": {"epochs": 4, "precision": "bfloat16"}})");
    auto model = f.model();
    StopSignal stop;
    Recorder r;
    Trainer trainer(f.experiment, model, f.data, stoppable(stop));
    trainer.add_observer(r);
    trainer.run();
    for (const auto& p : model->parameters()) QCOMPARE(p.scalar_type(), torch::kFloat32);
    QVERIFY2(r.steps.back().loss < 0.5 * r.steps.front().loss,
             qPrintable(QString("first %1 last %2").arg(r.steps.front().loss).arg(r.steps.back().loss)));
    QVERIFY2(r.evaluations.back().accuracy > 0.9, qPrintable(QString::number(r.evaluations.back().accuracy)));
    // The first step's loss agrees with float32's to bfloat16's precision.
    const auto float32 = Fixture(R"({"train": {"epochs": 1}})").train();
    QVERIFY(std::abs(float32.steps.front().loss - r.steps.front().loss) < 0.05);
  }

  void pauseHoldsTheLoopAndACheckpointIsSavedOnRequest() {
    Fixture f(R"({"train": {"epochs": 2}})");
    QTemporaryDir checkpoints;
    StopSignal stop;
    RunControl control;
    Pausing r;
    r.control = &control;
    auto model = f.model();
    Trainer trainer(f.experiment, model, f.data,
                    controlled(stoppable(stop, checkpoints.path().toStdString()), control));
    trainer.add_observer(r);
    std::thread worker([&] { trainer.run(); });
    QTRY_VERIFY_WITH_TIMEOUT(r.paused_at >= 0, 30000);
    const size_t logged = r.steps.size();  // the loop is held: nothing else is written meanwhile
    QTest::qWait(250);
    QCOMPARE(r.steps.size(), logged);
    QCOMPARE(r.paused_at.load(), r.requested_at.load());
    const auto saved = std::filesystem::path(checkpoints.path().toStdString()) / "saved.pt";
    QVERIFY(std::filesystem::exists(saved));
    control.resume();
    worker.join();
    QCOMPARE(r.outcome.status, TrainingStatus::Completed);
    QCOMPARE(r.outcome.steps, std::int64_t(20));  // every step, none skipped or repeated
    QVERIFY(r.paused_for >= 0.25);
    auto restored = f.model();
    QCOMPARE(load_checkpoint(saved, *restored, nullptr).step, r.requested_at.load());
  }

  void keepsOnlyTheNewestEpochCheckpoints() {
    Fixture f(R"({"train": {"epochs": 4, "keep_checkpoints": 2}})");
    QTemporaryDir checkpoints;
    const auto r = f.train(checkpoints.path().toStdString());
    QCOMPARE(std::count_if(r.checkpoints.begin(), r.checkpoints.end(),
                           [](const CheckpointSaved& c) { return c.path.filename().string().rfind("epoch-", 0) == 0; }),
             4);
    QCOMPARE(QDir(checkpoints.path()).entryList(QDir::Files),
             (QStringList{"best.pt", "epoch-0003.pt", "epoch-0004.pt"}));
  }

  void checkpointRestoresTheSameOutputs() {
    Fixture f(R"({"model": {"type": "cnn", "conv_channels": [4], "hidden": [8]}})");
    QTemporaryDir dir;
    const auto path = std::filesystem::path(dir.path().toStdString()) / "c.pt";
    auto trained = f.model();
    auto optimizer = make_optimizer(f.experiment.train, trained->parameters());
    trained->forward(f.data.train.inputs.slice(0, 0, 16)).sum().backward();
    optimizer->step();
    save_checkpoint(path, *trained, *optimizer, {2, 7});

    torch::manual_seed(999);  // a differently initialised copy
    auto restored = build_model(f.experiment.model, f.data.input_shape, f.data.num_classes(), {});
    const auto position = load_checkpoint(path, *restored, nullptr);
    QCOMPARE(position.step, 7);
    trained->eval();
    restored->eval();
    const auto x = f.data.test.inputs.slice(0, 0, 8);
    QVERIFY(torch::equal(trained->forward(x), restored->forward(x)));

    // The loop's memory travels too: generator states (a GPU's as bytes like the CPU's), plateau and best epoch.
    LoopState loop;
    loop.cpu_generator = torch::arange(16, torch::kUInt8);
    loop.cuda_generator = torch::arange(16, 32, torch::kUInt8);
    loop.plateau_scale = 0.1;
    loop.best_epoch = 3;
    loop.best_metric = 0.25;
    save_checkpoint(path, *trained, *optimizer, {3, 9}, &loop);
    LoopState read;
    load_checkpoint(path, *restored, nullptr, &read);
    QVERIFY(torch::equal(read.cpu_generator, loop.cpu_generator));
    QVERIFY(torch::equal(read.cuda_generator, loop.cuda_generator));
    QCOMPARE(read.plateau_scale, 0.1);
    QCOMPARE(read.best_epoch, std::int64_t(3));
    QCOMPARE(read.best_metric, 0.25);
  }

  void checkpointForAnotherModelIsRefused() {
    Fixture f;
    QTemporaryDir dir;
    const auto path = std::filesystem::path(dir.path().toStdString()) / "m.pt";
    save_model_weights(path, *f.model());
    ModelSpec wider = f.experiment.model;
    wider.hidden = {32};
    auto other = build_model(wider, f.data.input_shape, f.data.num_classes(), {});
    try {
      load_model_weights(path, *other);
      QFAIL("weights of another shape were loaded");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("fc1.weight\" has shape [16, 64], the model expects [32, 64]"),
               error.what());
    }
    write_text_atomically(path, "not an archive");
    QVERIFY_THROWS_EXCEPTION(DataError, load_model_weights(path, *other));
  }

  void summaryListsShapesAndParameters() {
    Fixture f(R"({"model": {"type": "cnn", "conv_channels": [4, 8], "hidden": [10], "batch_norm": false}})");
    auto model = f.model();
    const auto summary = summarize_model(model, f.data.input_shape);
    QCOMPARE(summary.layers.front().name, std::string("channels_last"));  // a re-layout: same shape, no parameters
    QCOMPARE(summary.layers.front().output_shape, f.data.input_shape);
    const auto& conv = summary.layers.at(1);
    QCOMPARE(conv.name, std::string("conv1"));
    QCOMPARE(conv.kind, std::string("Conv2d"));
    QCOMPARE(conv.output_shape, (std::vector<std::int64_t>{4, 8, 8}));
    QCOMPARE(conv.parameters, 4 * 9 + 4);
    std::int64_t sum = 0;
    for (const auto& row : summary.layers) sum += row.parameters;
    QCOMPARE(sum, summary.total_parameters);
    // conv1 40, conv2 8*4*9+8 = 296, fc1 (8*2*2)*10+10 = 330, out 10*4+4 = 44
    QCOMPARE(summary.total_parameters, 40 + 296 + 330 + 44);
    QCOMPARE(summary.layers.back().output_shape, (std::vector<std::int64_t>{4}));
  }

  void divergenceStopsAtItsStepAndKeepsEarlierCheckpoints() {
    // A step schedule whose factor explodes: epoch 1 trains normally, epoch 2 diverges.
    Fixture f(R"({"train": {"optimizer": "sgd", "lr": 0.01, "epochs": 3}})");
    f.experiment.train.schedule.type = "step";  // set here: the parser refuses a gamma above 1
    f.experiment.train.schedule.gamma = 1e20;
    QTemporaryDir checkpoints;
    StopSignal stop;
    std::string failure;
    struct FailureRecorder : TrainingObserver {
      std::string* message;
      void on_failed(const std::string& m) override { *message = m; }
    } failures;
    failures.message = &failure;
    Trainer trainer(f.experiment, f.model(), f.data, stoppable(stop, checkpoints.path().toStdString()));
    trainer.add_observer(failures);
    try {
      trainer.run();
      QFAIL("a diverging run finished");
    } catch (const Error& error) {
      // 10 steps per epoch: epoch 2 starts at step 11, with a rate of 1e18.
      const QString message(error.what());
      QVERIFY2(QRegularExpression(
                   R"(^training diverged at step 1[1-9] \(epoch 2\): the (loss|gradient norm) is (nan|inf|-inf);)")
                   .match(message)
                   .hasMatch(),
               error.what());
      QVERIFY2(message.contains("Lower train.lr or set train.clip_grad_norm"), error.what());
    }
    QVERIFY2(QString::fromStdString(failure).startsWith("training diverged"), failure.c_str());
    QCOMPARE(QDir(checkpoints.path()).entryList(QDir::Files), (QStringList{"best.pt", "epoch-0001.pt"}));
    auto model = f.model();
    load_checkpoint(std::filesystem::path(checkpoints.path().toStdString()) / "epoch-0001.pt", *model, nullptr);
    for (const auto& p : model->parameters()) QVERIFY(torch::isfinite(p).all().item<bool>());
  }

  void accumulatedMicroBatchesMatchOneBigBatch() {
    // 160 samples: batch 32 (5 steps) against 4 micro-batches of 8 per step (also 5 steps).
    Fixture big(R"({"train": {"optimizer": "sgd", "lr": 0.1, "epochs": 1, "batch_size": 32}})");
    Fixture small(R"({"train": {"optimizer": "sgd", "lr": 0.1, "epochs": 1, "batch_size": 8, "accumulate_steps": 4}})");
    auto a = big.model(), b = small.model();
    StopSignal stop;
    Recorder ra, rb;
    Trainer ta(big.experiment, a, big.data, stoppable(stop));
    Trainer tb(small.experiment, b, small.data, stoppable(stop));
    ta.add_observer(ra);
    tb.add_observer(rb);
    ta.run();
    tb.run();
    QCOMPARE(ra.plan.steps_per_epoch, 5);
    QCOMPARE(rb.plan.steps_per_epoch, 5);
    QCOMPARE(rb.outcome.steps, 5);
    const auto pa = a->parameters(), pb = b->parameters();
    double largest = 0;
    for (size_t i = 0; i < pa.size(); ++i) largest = std::max(largest, (pa[i] - pb[i]).abs().max().item<double>());
    QVERIFY2(largest < 1e-5, qPrintable(QString::number(largest)));
    // And the weights did move: equality is not two untouched models.
    auto untouched = big.model();
    QVERIFY((untouched->parameters()[0] - pa[0]).abs().max().item<double>() > 1e-3);
  }

  void earlyStoppingEndsTheRunWithTheBestWeights() {
    // min_delta is so large that no epoch after the first counts as better.
    Fixture f(R"({"train": {"epochs": 10, "optimizer": "sgd", "lr": 0.2,
                 "early_stopping": {"metric": "validation_loss", "patience": 2, "min_delta": 100}}})");
    QTemporaryDir checkpoints;
    const auto r = f.train(checkpoints.path().toStdString());
    QVERIFY(r.outcome.stopped_early);
    QCOMPARE(r.outcome.epochs_completed, 3);  // the best epoch, then 2 without improvement
    QCOMPARE(r.outcome.best_epoch, 1);
    QVERIFY(r.outcome.restored_best);
    QCOMPARE(*r.outcome.best_metric, r.evaluations.at(0).loss);
    // The test split was measured on epoch 1's weights: its loss equals a fresh evaluation of best.pt.
    auto best = f.model();
    load_checkpoint(std::filesystem::path(checkpoints.path().toStdString()) / "best.pt", *best, nullptr);
    auto last = f.model();
    load_checkpoint(std::filesystem::path(checkpoints.path().toStdString()) / "epoch-0003.pt", *last, nullptr);
    const auto x = f.data.test.inputs;
    best->eval();
    last->eval();
    const double best_loss = torch::nn::functional::cross_entropy(best->forward(x), f.data.test.targets).item<double>();
    const double last_loss = torch::nn::functional::cross_entropy(last->forward(x), f.data.test.targets).item<double>();
    QVERIFY(std::abs(best_loss - last_loss) > 1e-6);  // epoch 3 really differs
    QVERIFY2(std::abs(r.evaluations.back().loss - best_loss) < 1e-5,
             qPrintable(QString("%1 vs %2").arg(r.evaluations.back().loss).arg(best_loss)));
  }

  void l1PenaltyShrinksTheWeights() {
    Fixture plain(R"({"train": {"epochs": 3}})");
    Fixture penalised(R"({"train": {"epochs": 3, "l1": 0.01}})");
    const auto mean_weight = [](Fixture& f) {
      auto model = f.model();
      StopSignal stop;
      Trainer trainer(f.experiment, model, f.data, stoppable(stop));
      trainer.run();
      return model->named_parameters()["fc1.weight"].abs().mean().item<double>();
    };
    const double a = mean_weight(plain), b = mean_weight(penalised);
    QVERIFY2(b < 0.5 * a, qPrintable(QString("plain %1, l1 %2").arg(a).arg(b)));
  }

  void scheduleSetsTheRateOfEveryStep() {
    Fixture f(R"({"train": {"epochs": 2, "log_every": 1, "lr": 0.1,
                 "schedule": {"type": "cosine", "warmup_steps": 5, "min_lr": 0.001}}})");
    const auto r = f.train();
    ScheduleSpec spec = f.experiment.train.schedule;
    const LearningRateSchedule schedule(spec, 0.1, 20, 10);
    QCOMPARE(r.steps.size(), size_t(20));
    for (const auto& m : r.steps) QCOMPARE(m.lr, schedule.at(m.step - 1));
    QCOMPARE(r.steps.at(0).lr, 0.1 / 5);  // the first warm-up step
    QCOMPARE(r.steps.at(4).lr, 0.1);      // warm-up ends at the full rate
  }

  void tooManyPoolsIsAConfigError() {
    Fixture f(R"({"model": {"type": "cnn", "conv_channels": [4, 4, 4, 4]}})");
    QVERIFY_THROWS_EXCEPTION(ConfigError, f.model());
  }

  void dataErrorsNameTheFile() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 20, 8);
    write_idx(dir.filePath("test-labels.idx"), {7}, std::vector<std::uint8_t>(7, 1));
    const auto experiment = load_experiment(write_quadrant_experiment(dir.path()).toStdString());
    try {
      load_classification_data(experiment);
      QFAIL("7 labels for 8 images accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("test-labels.idx: 7 labels for the 8 images"), error.what());
    }
    write_idx(dir.filePath("test-labels.idx"), {8}, std::vector<std::uint8_t>(8, 9));
    try {
      load_classification_data(experiment);
      QFAIL("label 9 accepted with 4 classes");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("label 9 but data.class_names lists only 4 classes"), error.what());
    }
  }
};

CRADLE_REGISTER_TEST(TrainingTest);

}  // namespace cradle::test

#include "training_test.moc"
