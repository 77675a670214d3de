#include "widgets/run_list.h"

#include <QDir>
#include <QHeaderView>

#include "core/run/run_index.h"

namespace cradle {

RunList::RunList(QWidget* parent) : QTableWidget(0, 5, parent) {
  setObjectName(QStringLiteral("runList"));
  setHorizontalHeaderLabels({tr("Run"), tr("Status"), tr("Test metric"), tr("Epochs"), tr("Started (UTC)")});
  horizontalHeader()->setStretchLastSection(true);
  horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  verticalHeader()->hide();
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  setAlternatingRowColors(true);
}

void RunList::showRuns(const QString& runsFolder, const QString& experiment) {
  runsFolder_ = runsFolder;
  experiment_ = experiment;
  refresh();
}

void RunList::refresh() {
  setRowCount(0);
  for (const auto& run : list_runs(runsFolder_.toStdString())) {
    if (QString::fromStdString(run.experiment) != experiment_) continue;
    const int row = rowCount();
    insertRow(row);
    const auto cell = [&](int column, const QString& text, const QString& tip = QString()) {
      auto* item = new QTableWidgetItem(text);
      item->setToolTip(tip.isEmpty() ? text : tip);
      setItem(row, column, item);
    };
    cell(0, QString::fromStdString(run.folder.filename().string()), QDir::toNativeSeparators(QString::fromStdString(run.folder.string())));
    cell(1, QString::fromStdString(run.status), QString::fromStdString(run.problem));
    cell(2, run.metric ? QStringLiteral("%1 %2").arg(QString::fromStdString(run.metric_name)).arg(*run.metric, 0, 'g', 4) : QString());
    cell(3, run.status == "incomplete" ? QString() : QString::number(run.epochs));
    cell(4, QString::fromStdString(run.started_at).replace('T', ' ').remove('Z'));
  }
}

}  // namespace cradle
