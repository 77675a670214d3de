#pragma once
// The Sweep tab (issue 14): a sweep file (core/tune/sweep_spec.h) run in the
// window — its trials trained one after another on a worker thread, each an
// ordinary run folder — with a live table of the trials, a scatter of any
// varied field against the sweep's metric, and every trial's curves overlaid
// on the Training dashboard. An interrupted sweep continues where it stopped.
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

#include "core/train/stop_signal.h"
#include "core/tune/sweep_runner.h"
#include "widgets/background_job.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace cradle {

class SweepPanel : public QWidget {
  Q_OBJECT

 public:
  explicit SweepPanel(QWidget* parent = nullptr);
  ~SweepPanel() override;  // a running sweep is asked to stop

  // Sweeps write their trials into <runs folder>/<sweep name>.
  void setRunsFolder(const QString& runs_folder);
  // Reads the sweep file and shows its trials (those already run from an earlier start too); false with the reason in statusText().
  bool openSweep(const QString& sweep_file);
  // Trains the open sweep's remaining trials; finished() when it ends. Pressing Run again stops it.
  void run();
  void stop();
  bool running() const { return jobs_.busy(); }

  QString statusText() const;
  QTableWidget* trialsTable() const { return table_; }
  QCustomPlot* scatterPlot() const { return scatter_; }
  void setScatterField(const QString& field);
  QStringList trialRuns() const;  // the run folders of trials that trained

 Q_SIGNALS:
  void finished();
  // The trials' run folders, for the dashboard: the first shown, the rest overlaid.
  void overlayRequested(const QStringList& run_folders);

 private:
  void showTrials(const std::vector<TrialRecord>& trials);
  void updateScatter();
  QString sweepFolder() const;

  QString runsFolder_, sweepFile_;
  std::unique_ptr<SweepSpec> spec_;
  std::vector<TrialRecord> trials_;
  BackgroundJobs jobs_;
  std::shared_ptr<StopSignal> stop_;
  QLineEdit* file_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* overlay_ = nullptr;
  QLabel* status_ = nullptr;
  QTableWidget* table_ = nullptr;
  QComboBox* field_ = nullptr;
  QCustomPlot* scatter_ = nullptr;
};

}  // namespace cradle
