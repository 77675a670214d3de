#pragma once
// The Compress tab (issue 12): a finished run pruned (unstructured or whole
// channels, to a chosen sparsity), quantised to int8, or distilled into a
// student — prune and distil write their stage's experiment and ask the
// window to train it (it shows in the dashboard like any run); quantising
// needs no training and runs on a worker thread. Below, every variant of the
// run side by side (test accuracy, file size, non-zero parameters, latency)
// and a chart of accuracy against size or latency.
#include <QString>
#include <QWidget>

#include <functional>

#include "core/experiment/experiment.h"
#include "widgets/background_job.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QTableWidget;

namespace cradle {

class CompressionPanel : public QWidget {
  Q_OBJECT

 public:
  explicit CompressionPanel(QWidget* parent = nullptr);

  // Runs offered come from `runs_folder`; stage experiments are written into `stages_folder`.
  void setFolders(const QString& runs_folder, const QString& stages_folder);
  void refresh();
  void selectRun(const QString& run);
  QString selectedRun() const;

  // Each returns the written experiment's path (and emits trainRequested), or
  // empty with the reason in statusText().
  QString prune(const QString& run, const QString& method, double sparsity);
  QString distil(const QString& teacher_run, const QString& student_experiment);
  // Starts quantising on a worker thread; variantsChanged() when the int8 run is written.
  void quantise(const QString& run);
  bool busy() const { return jobs_.busy(); }

  QString statusText() const;
  QTableWidget* variantsTable() const { return table_; }
  QCustomPlot* tradeOffChart() const { return chart_; }
  void setChartAxis(const QString& axis);  // "size" or "latency"

 Q_SIGNALS:
  void trainRequested(const QString& experiment_path);
  void variantsChanged();

 private:
  void fillVariants();
  void fail(const QString& message);
  // Writes the stage experiment `make` builds into the stages folder (named <name><suffix>.json) and asks for training.
  QString writeStage(const std::function<Experiment()>& make, const QString& suffix);

  QString runsFolder_, stagesFolder_;
  BackgroundJobs jobs_;
  QComboBox* run_ = nullptr;
  QComboBox* method_ = nullptr;
  QSlider* sparsity_ = nullptr;
  QLabel* sparsityLabel_ = nullptr;
  QLineEdit* student_ = nullptr;
  QPushButton* quantise_ = nullptr;
  QLabel* status_ = nullptr;
  QComboBox* axis_ = nullptr;  // the chart's x: size or latency
  QTableWidget* table_ = nullptr;
  QCustomPlot* chart_ = nullptr;
};

}  // namespace cradle
