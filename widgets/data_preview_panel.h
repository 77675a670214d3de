#pragma once
// The data page's right-hand side: a few samples before and after each
// preprocessing step (text with its changes highlighted and its tokens
// coloured with their ids; images in a grid, one column per augmentation;
// table rows as read and as encoded) and the dataset's statistics (splits,
// class histogram). Computed by the core (write_data_preview, profile_data)
// on a background thread a moment after the last edit.
#include <QWidget>

#include <QTemporaryDir>
#include <QTimer>
#include <optional>

#include "core/experiment/experiment.h"
#include "core/run/experiment_profile.h"
#include "widgets/background_job.h"

class QLabel;
class QTabWidget;
class QTextBrowser;
class QCustomPlot;

namespace cradle {

class DataPreviewPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DataPreviewPanel(QWidget* parent = nullptr);

  // Starts over for this experiment after a short pause (edits in a row make one job).
  void showExperiment(const Experiment& experiment);
  // No valid experiment: says why instead of showing stale samples.
  void showInvalid(const QString& reason);

  QString statusText() const;
  QString samplesHtml() const;  // the text shown on the samples tab
  bool ready() const { return ready_; }

 Q_SIGNALS:
  // The data as training will see it (input shape, classes, sample count).
  void profiled(const cradle::DataProfile& profile);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  struct Look;
  void start();
  void showLook(const Look& look);

  QLabel* status_;
  QTabWidget* tabs_;
  QTextBrowser* samples_;
  QLabel* image_;
  QWidget* imageScroll_;
  QTextBrowser* statistics_;
  QCustomPlot* histogram_;
  QTimer delay_;
  std::optional<Experiment> pending_;
  QTemporaryDir folder_;
  BackgroundJobs jobs_;
  int job_ = 0;
  bool ready_ = false;
};

}  // namespace cradle
