#include "widgets/run_list.h"

#include <QDir>
#include <QHeaderView>
#include <QMenu>
#include <QPainter>

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
  connect(this, &QTableWidget::cellDoubleClicked, this, [this](int row) {
    if (!runFolder(row).isEmpty()) Q_EMIT watchRequested(runFolder(row));
  });
  setContextMenuPolicy(Qt::CustomContextMenu);
  connect(this, &QWidget::customContextMenuRequested, this, [this](const QPoint& where) {
    const int row = rowAt(where.y());
    const QString folder = runFolder(row);
    if (folder.isEmpty()) return;
    QMenu menu(this);
    menu.addAction(tr("Show on the Dashboard"), this, [this, folder] { Q_EMIT watchRequested(folder); });
    menu.addAction(tr("Compare on the Dashboard"), this, [this, folder] { Q_EMIT compareRequested(folder); });
    QAction* resume = menu.addAction(tr("Resume This Run"), this, [this, folder] { Q_EMIT resumeRequested(folder); });
    resume->setEnabled(item(row, 1) &&
                       item(row, 1)->data(Qt::UserRole).toInt() == static_cast<int>(RunStatus::Stopped));
    menu.exec(viewport()->mapToGlobal(where));
  });
}

QString RunList::placeholderText() const {
  return experiment_.isEmpty()
             ? tr("Open an experiment to see its runs here.")
             : tr("No runs of %1 yet: Train (Ctrl+T) puts each run here, with its status and test metric.")
                   .arg(experiment_);
}

void RunList::paintEvent(QPaintEvent* event) {
  QTableWidget::paintEvent(event);
  if (rowCount() > 0) return;
  QPainter painter(viewport());
  painter.setPen(palette().color(QPalette::Disabled, QPalette::Text));
  painter.drawText(viewport()->rect().adjusted(12, 8, -12, -8), Qt::AlignCenter | Qt::TextWordWrap, placeholderText());
}

QString RunList::runFolder(int row) const {
  const QTableWidgetItem* first = row >= 0 ? item(row, 0) : nullptr;
  return first ? first->data(Qt::UserRole).toString() : QString();
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
    cell(0, QString::fromStdString(run.folder.filename().string()),
         QDir::toNativeSeparators(QString::fromStdString(run.folder.string())));
    item(row, 0)->setData(Qt::UserRole, QString::fromStdString(run.folder.string()));
    cell(1, QString::fromStdString(to_string(run.status)), QString::fromStdString(run.problem));
    item(row, 1)->setData(Qt::UserRole, static_cast<int>(run.status));  // the status itself, for Resume
    cell(2, run.metric
                ? QStringLiteral("%1 %2").arg(QString::fromStdString(run.metric_name)).arg(*run.metric, 0, 'g', 4)
                : QString());
    cell(3, run.status == RunStatus::Incomplete ? QString() : QString::number(run.epochs));
    cell(4, QString::fromStdString(run.started_at).replace('T', ' ').remove('Z'));
  }
}

}  // namespace cradle
