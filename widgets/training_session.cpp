#include "widgets/training_session.h"

#include <QDir>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include "core/run/experiment_run.h"
#include "core/run/log_writer.h"
#include "core/run/run_folder.h"

namespace cradle {

// Observes the run on the worker thread and re-emits on the window's thread.
struct TrainingSession::Bridge : TrainingObserver {
  QPointer<TrainingSession> session;
  std::int64_t total_steps = 0;

  template <typename F>
  void post(F f) {
    QMetaObject::invokeMethod(
        session.data(),
        [s = session, f] {
          if (s) f(s.data());
        },
        Qt::QueuedConnection);
  }
  void on_started(const TrainingPlan& plan) override {
    total_steps = plan.total_steps;
    const QString line =
        (plan.epochs == 1
             ? TrainingSession::tr("training: 1 epoch of %2 steps, %3 samples, batch %4")
             : TrainingSession::tr("training: %1 epochs of %2 steps, %3 samples, batch %4").arg(plan.epochs))
            .arg(plan.steps_per_epoch)
            .arg(plan.train_samples)
            .arg(plan.batch_size);
    post([line](TrainingSession* s) { Q_EMIT s->logLine(line); });
  }
  void on_step(const StepMetrics& m) override {
    const std::int64_t total = total_steps;
    post([m, total](TrainingSession* s) { Q_EMIT s->progress(m.step, total, m.epoch, m.loss, m.samples_per_second); });
  }
  void on_evaluation(const EvaluationMetrics& m) override {
    QString line = TrainingSession::tr("epoch %1 %2: loss %3")
                       .arg(m.epoch)
                       .arg(QString::fromStdString(m.split))
                       .arg(m.loss, 0, 'f', 4);
    if (m.mae)
      line += TrainingSession::tr(", mae %1").arg(*m.mae, 0, 'g', 5);
    else if (!m.extra.empty())  // PPO: the answers' mean score, KL to the reference, length
      line = TrainingSession::tr("epoch %1 %2:%3")
                 .arg(m.epoch)
                 .arg(QString::fromStdString(m.split), QString::fromStdString(format_stage_figures(m.extra)));
    else if (m.reward_gap)
      line += TrainingSession::tr(", preference accuracy %1, reward gap %2")
                  .arg(m.accuracy, 0, 'f', 4)
                  .arg(*m.reward_gap, 0, 'g', 4);
    else
      line += TrainingSession::tr(", accuracy %1").arg(m.accuracy, 0, 'f', 4);
    post([line](TrainingSession* s) { Q_EMIT s->logLine(line); });
  }
  void on_checkpoint(const CheckpointSaved& c) override {
    const QString file = QString::fromStdString(c.path.string());
    post([file](TrainingSession* s) {
      Q_EMIT s->logLine(TrainingSession::tr("checkpoint %1").arg(file));
      Q_EMIT s->checkpointSaved(file);
    });
  }
  void on_paused(std::int64_t step) override {
    post([step](TrainingSession* s) { Q_EMIT s->paused(step); });
  }
  void on_resumed(std::int64_t step, double) override {
    post([step](TrainingSession* s) { Q_EMIT s->resumed(step); });
  }
};

TrainingSession::TrainingSession(QObject* parent) : QObject(parent) {}

TrainingSession::~TrainingSession() {
  if (thread_) {
    stop_.request();
    thread_->wait();
    delete thread_;
  }
}

bool TrainingSession::start(const Experiment& experiment, const QString& runs_root) {
  if (thread_) return false;
  const auto run_dir = default_run_dir(experiment, runs_root.toStdString());
  runFolder_ = QString::fromStdString(run_dir.string());
  return launch([experiment, run_dir] { return std::make_unique<ExperimentRun>(experiment, run_dir); });
}

bool TrainingSession::resumeRun(const QString& run_folder) {
  if (thread_) return false;
  runFolder_ = run_folder;
  const std::filesystem::path dir = run_folder.toStdString();
  return launch([dir] { return ExperimentRun::resume(dir); });
}

bool TrainingSession::launch(std::function<std::unique_ptr<ExperimentRun>()> make_run) {
  stop_.reset();
  control_.resume();
  auto bridge = std::make_shared<Bridge>();
  bridge->session = this;
  thread_ = QThread::create([this, bridge, make_run] {
    RunStatus status = RunStatus::Failed;
    QString summary;
    try {
      // Reading the data and building the model happen here, off the window's thread.
      const std::unique_ptr<ExperimentRun> run = make_run();
      const Experiment& experiment = run->experiment();
      bridge->post([line = tr("run folder %1: %2 model, %3 parameters, %4 threads on %5")
                               .arg(QString::fromStdString(run->folder().root.string()),
                                    QString::fromStdString(experiment.model.type))
                               .arg(run->model_summary().total_parameters)
                               .arg(run->threads())
                               .arg(QString::fromStdString(run->device_name()))](TrainingSession* s) {
        Q_EMIT s->logLine(line);
      });
      run->add_observer(*bridge);
      const RunResult result = run->train(&stop_, &control_);
      status = result.outcome.status == TrainingStatus::Completed ? RunStatus::Completed : RunStatus::Stopped;
      if (result.outcome.stopped_early)
        summary = tr("early stopping after epoch %1 (best epoch %2); ")
                      .arg(result.outcome.epochs_completed)
                      .arg(result.outcome.best_epoch);
      if (result.test && result.test->mae)
        summary += tr("test mae %1 (%2 samples)").arg(*result.test->mae, 0, 'g', 5).arg(result.test->samples);
      else if (result.test && !result.test->extra.empty())
        summary += tr("test:%1 (%2 prompts)")
                       .arg(QString::fromStdString(format_stage_figures(result.test->extra)))
                       .arg(result.test->samples);
      else if (result.test && result.test->reward_gap)
        summary += tr("test preference accuracy %1, reward gap %2 (%3 pairs)")
                       .arg(result.test->accuracy, 0, 'f', 4)
                       .arg(*result.test->reward_gap, 0, 'g', 4)
                       .arg(result.test->samples);
      else if (result.test)
        summary += tr("test accuracy %1 (%2 samples)").arg(result.test->accuracy, 0, 'f', 4).arg(result.test->samples);
      else
        summary += tr("stopped after %1 steps; Run > Resume Stopped Run continues it").arg(result.outcome.steps);
    } catch (const std::exception& error) {
      summary = QString::fromStdString(error.what());
    }
    bridge->post([status, summary](TrainingSession* s) {
      s->thread_->wait();
      s->thread_->deleteLater();
      s->thread_ = nullptr;
      Q_EMIT s->finished(status, summary);
    });
  });
  thread_->start();
  return true;
}

void TrainingSession::stop() { stop_.request(); }
void TrainingSession::pause() { control_.pause(); }
void TrainingSession::resume() { control_.resume(); }
void TrainingSession::saveCheckpoint() { control_.request_checkpoint(); }

}  // namespace cradle
