#pragma once
// Trains one experiment from the window: the core's ExperimentRun (the same
// engine `cradle-cli train` uses) on a worker thread, its events handed to the
// window thread as signals. Stopping is graceful: at the next step boundary,
// with a checkpoint the run can be resumed from.
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>

#include <functional>

#include "core/experiment/experiment.h"
#include "core/run/run_index.h"
#include "core/train/run_control.h"
#include "core/train/stop_signal.h"

class QThread;

namespace cradle {

class TrainingSession : public QObject {
  Q_OBJECT

 public:
  explicit TrainingSession(QObject* parent = nullptr);
  ~TrainingSession() override;  // stops a running session and waits for it

  // Starts training into runs_root/<name>-<time>; false while one runs.
  bool start(const Experiment& experiment, const QString& runs_root);
  // Continues a stopped run from its newest checkpoint in the same folder.
  bool resumeRun(const QString& run_folder);
  void stop();
  // Take effect at the next step boundary (signals paused/resumed say when).
  void pause();
  void resume();
  void saveCheckpoint();
  bool running() const { return thread_ != nullptr; }
  bool pauseRequested() const { return control_.paused(); }
  QString runFolder() const { return runFolder_; }

 Q_SIGNALS:
  void logLine(const QString& line);
  void progress(qint64 step, qint64 total_steps, qint64 epoch, double loss, double samples_per_second);
  void paused(qint64 step);
  void resumed(qint64 step);
  void checkpointSaved(const QString& file);
  // status: Completed, Stopped or Failed; summary: one readable line.
  void finished(cradle::RunStatus status, const QString& summary);

 private:
  struct Bridge;
  bool launch(std::function<std::unique_ptr<class ExperimentRun>()> make_run);
  QThread* thread_ = nullptr;
  StopSignal stop_;
  RunControl control_;
  QString runFolder_;
};

}  // namespace cradle

// The finished signal carries it (a QSignalSpy records it by its meta type).
Q_DECLARE_METATYPE(cradle::RunStatus)
