#pragma once
// The Evaluate tab (issue 12): a finished run judged on a split with the same
// core evaluation as `cradle-cli eval` (core/run/run_evaluation.h), run on a
// worker thread. Classifiers: the metrics, precision/recall/F1 per class, the
// confusion matrix as a heat map whose cells open a gallery of their samples
// (thumbnails or texts, with the predicted probability), and the most
// confident mistakes. Regression: predicted against true and the residuals.
// Language models: perplexity and the rest, and the generation playground.
// A second run (or checkpoint) compares side by side; the HTML report opens in
// the browser and the charts save as PNG.
#include <QString>
#include <QWidget>

#include <memory>

#include "widgets/background_job.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QListWidget;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableWidget;

namespace cradle {

struct EvaluationResult;
class ConfusionMatrixPlot;

class EvaluationPanel : public QWidget {
  Q_OBJECT

 public:
  explicit EvaluationPanel(QWidget* parent = nullptr);
  ~EvaluationPanel() override;

  // The runs offered (every run folder under `runs_folder` with weights).
  void setRunsFolder(const QString& runs_folder);
  // Newest first; the choice made stays chosen.
  void refreshRuns();
  // Chooses `run` (one chosen in the project explorer or the run list) if it is offered.
  void selectRun(const QString& run);
  QString selectedRun() const;
  // Evaluates `run` (and `compare_run` when not empty, at `compare_checkpoint`,
  // by default the same) on `split` with `checkpoint` ("last", "best");
  // evaluated() or failed() when done. The same run at another checkpoint compares checkpoints.
  void evaluate(const QString& run, const QString& checkpoint = QStringLiteral("last"),
                const QString& split = QStringLiteral("test"), const QString& compare_run = QString(),
                const QString& compare_checkpoint = QString());
  bool busy() const { return jobs_.busy(); }

  const EvaluationResult* result() const { return result_.get(); }
  const EvaluationResult* comparison() const { return comparison_.get(); }
  QString statusText() const;
  QString reportFolder() const { return reportFolder_; }

  // The gallery shows the samples of true class `truth` predicted as `predicted` (as a click on that cell does).
  void showCell(int truth, int predicted);
  void showConfidentMistakes();
  // Saves every chart of the current evaluation as PNG into `folder`; the files written.
  QStringList saveCharts(const QString& folder);

  ConfusionMatrixPlot* confusionPlot() const { return confusion_; }
  ConfusionMatrixPlot* comparisonConfusionPlot() const { return compareConfusion_; }
  QTableWidget* metricsTable() const { return metrics_; }
  QListWidget* gallery() const { return gallery_; }
  // Language models: the evaluated model in the generation playground.
  class GenerationPlayground* playground() const {
    return playground_;
  }
  QString galleryTitle() const;

 Q_SIGNALS:
  void evaluated();
  void failed(const QString& message);

 private:
  void showResult();
  void fillMetrics();
  void giveMatricesRoom();
  QString runChoice(QComboBox* box) const;

  QString runsFolder_, reportFolder_;
  std::shared_ptr<const EvaluationResult> result_, comparison_;
  BackgroundJobs jobs_;

  QComboBox* run_ = nullptr;
  QComboBox* compare_ = nullptr;
  QComboBox* compareCheckpoint_ = nullptr;
  QComboBox* checkpoint_ = nullptr;
  QComboBox* split_ = nullptr;
  QPushButton* evaluate_ = nullptr;
  QPushButton* openReport_ = nullptr;
  QPushButton* saveCharts_ = nullptr;
  QPushButton* mistakes_ = nullptr;
  QLabel* status_ = nullptr;
  QTableWidget* metrics_ = nullptr;
  QStackedWidget* charts_ = nullptr;
  QSplitter* matrixSplitter_ = nullptr;
  ConfusionMatrixPlot* confusion_ = nullptr;
  ConfusionMatrixPlot* compareConfusion_ = nullptr;
  QCustomPlot* classScores_ = nullptr;
  QCustomPlot* scatter_ = nullptr;
  QCustomPlot* residuals_ = nullptr;
  QLabel* galleryTitle_ = nullptr;
  QListWidget* gallery_ = nullptr;
  class GenerationPlayground* playground_ = nullptr;
};

}  // namespace cradle
