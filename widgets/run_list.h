#pragma once
// The runs of the open experiment: status, the task's test metric, epochs and
// start time, newest first, read by the core's run index (core/run/run_index.h).
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

 private:
  QString runsFolder_, experiment_;
};

}  // namespace cradle
