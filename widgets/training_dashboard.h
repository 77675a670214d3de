#pragma once
// The training dashboard: live charts of a run (loss, accuracy or perplexity
// or error, learning rate, throughput), its progress (epoch, step, elapsed,
// ETA, samples/s), the run controls, and the model's current predictions on
// fixed samples (or its generated text). It follows the run folder's
// metrics.jsonl as it grows, so a run of this window and one started with
// `cradle-cli` elsewhere are watched the same way, and training pays nothing
// for being watched (the file is written anyway). Other runs can be overlaid
// for comparison; each chart exports as PNG, PDF and CSV (its context menu).
#include <QString>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include "core/train/events.h"

class QAction;
class QCheckBox;
class QLabel;
class QProgressBar;
class QSlider;

namespace cradle {

class MetricsChart;
class MetricsFollower;
class SampleSnapshotsView;
struct MetricsUpdate;

class TrainingDashboard : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingDashboard(QWidget* parent = nullptr);
  ~TrainingDashboard() override;

  // Buttons for these actions (the window owns them and their shortcuts).
  void setActions(const QList<QAction*>& actions);

  // Follows the run folder from its first record; the charts start empty.
  // `task` picks the second chart (else read from the folder's experiment.json).
  void followRun(const QString& run_folder, const QString& task = QString());
  QString followedRun() const { return runFolder_; }
  // Reads what was added since the last read (also done by a timer, 5 times a second).
  void poll();
  // Another run's curves, dashed, for comparison (read once, as it stands).
  bool overlayRun(const QString& run_folder);

  MetricsChart* lossChart() const { return loss_; }
  MetricsChart* qualityChart() const { return quality_; }  // accuracy, perplexity or MAE
  MetricsChart* rateChart() const { return rate_; }
  MetricsChart* throughputChart() const { return throughput_; }
  SampleSnapshotsView* samples() const { return samples_; }
  std::vector<MetricsChart*> charts() const { return {loss_, quality_, rate_, throughput_}; }
  QString progressText() const;
  std::int64_t lastStep() const { return lastStep_; }

  // What the followed run is doing, for the progress line: a paused, stopped,
  // finished or failed run says so instead of a stale "time left". `step` is
  // where it stands (the log's step when paused; -1: the last one logged).
  enum class RunState { Running, Paused, Stopped, Finished, Failed };
  void setRunState(RunState state, std::int64_t step = -1);

  // Saves every chart as <folder>/<name>.png, .pdf and .csv; false on the first failure.
  bool exportCharts(const QString& folder);

 Q_SIGNALS:
  void problem(const QString& message);  // a bad line in the followed file

 private:
  struct Run;
  void apply(const MetricsUpdate& update, Run& run, bool overlay);
  void updateProgress();
  void explainUntrainedRun();

  MetricsChart *loss_, *quality_, *rate_, *throughput_;
  SampleSnapshotsView* samples_;
  QWidget* buttons_;
  QProgressBar* progress_;
  QLabel* progressText_;
  QSlider* smoothing_;
  QCheckBox* logScale_;
  QTimer poll_;
  QString runFolder_;
  std::unique_ptr<Run> run_;
  std::int64_t lastStep_ = 0;
  RunState state_ = RunState::Running;
  std::int64_t stateStep_ = -1;
  int overlays_ = 0;
};

}  // namespace cradle
