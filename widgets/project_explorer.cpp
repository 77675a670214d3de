#include "widgets/project_explorer.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>

namespace cradle {
namespace {
constexpr int kFileRole = Qt::UserRole + 1;  // an item's experiment file
}

ProjectExplorer::ProjectExplorer(QWidget* parent) : QTreeWidget(parent) {
  setObjectName(QStringLiteral("projectExplorer"));
  setHeaderHidden(true);
  setRootIsDecorated(true);
  connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (item && !item->data(0, kFileRole).toString().isEmpty()) Q_EMIT experimentChosen(item->data(0, kFileRole).toString());
  });
}

void ProjectExplorer::setFolders(const QString& samples, const QString& workspace) {
  samples_ = samples;
  workspace_ = workspace;
  refresh();
}

void ProjectExplorer::refresh() {
  const QSignalBlocker quiet(this);  // rebuilding is not the user choosing
  clear();
  addFolder(tr("Sample projects"), samples_);
  addFolder(tr("Workspace"), workspace_);
  expandAll();
}

void ProjectExplorer::addFolder(const QString& title, const QString& folder) {
  auto* group = new QTreeWidgetItem(this, {title});
  group->setToolTip(0, QDir::toNativeSeparators(folder));
  group->setFlags(Qt::ItemIsEnabled);
  const QDir dir(folder);
  for (const QString& project : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
    const QString file = dir.filePath(project + QStringLiteral("/experiment.json"));
    if (!QFileInfo::exists(file)) continue;
    auto* item = new QTreeWidgetItem(group, {project});
    item->setData(0, kFileRole, QFileInfo(file).absoluteFilePath());
    item->setToolTip(0, QDir::toNativeSeparators(QFileInfo(file).absoluteFilePath()));
  }
  if (group->childCount() == 0) {
    auto* empty = new QTreeWidgetItem(group, {tr("(no projects)")});
    empty->setFlags(Qt::NoItemFlags);
  }
}

QStringList ProjectExplorer::experimentFiles() const {
  QStringList files;
  for (int g = 0; g < topLevelItemCount(); ++g)
    for (int i = 0; i < topLevelItem(g)->childCount(); ++i)
      if (const QString file = topLevelItem(g)->child(i)->data(0, kFileRole).toString(); !file.isEmpty()) files << file;
  return files;
}

bool ProjectExplorer::select(const QString& experimentFile) {
  const QString wanted = QFileInfo(experimentFile).absoluteFilePath();
  for (int g = 0; g < topLevelItemCount(); ++g)
    for (int i = 0; i < topLevelItem(g)->childCount(); ++i)
      if (topLevelItem(g)->child(i)->data(0, kFileRole).toString() == wanted) {
        const QSignalBlocker quiet(this);
        setCurrentItem(topLevelItem(g)->child(i));
        return true;
      }
  return false;
}

}  // namespace cradle
