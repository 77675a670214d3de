#pragma once
// The runs of the open experiment: status, the task's test metric, epochs and
// start time, newest first, read by the core's run index (core/run/run_index.h).
// A double click shows a run's curves on the dashboard; the context menu also
// overlays it on the curves shown, or resumes a stopped run.
#include <QString>
#include <QTableWidget>

namespace cradle {

class RunList : public QTableWidget {
  Q_OBJECT

 public:
  explicit RunList(QWidget* parent = nullptr);

  // The runs in `runsFolder` of the experiment named `experiment`.
  void showRuns(const QString& runsFolder, const QString& experiment);
  void refresh();
  // The folder of the run in `row` (empty when there is none).
  QString runFolder(int row) const;
  // What an empty list says, drawn in its middle.
  QString placeholderText() const;

 Q_SIGNALS:
  void watchRequested(const QString& runFolder);
  void compareRequested(const QString& runFolder);
  void resumeRequested(const QString& runFolder);

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString runsFolder_, experiment_;
};

}  // namespace cradle
