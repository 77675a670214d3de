#include "widgets/project_explorer.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>

#include <map>

#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/run/run_index.h"
#include "core/run/workspace_layout.h"

namespace cradle {
namespace {
constexpr int kFileRole = Qt::UserRole + 1;  // an item's experiment file
constexpr int kRunRole = Qt::UserRole + 2;   // a run item's folder

// The experiment's name, or empty when the file cannot be read.
std::string experiment_name(const QString& file) {
  try {
    const Json doc = parse_json_text(read_file(file.toStdString()), file.toStdString());
    return doc.is_object() ? doc.value("name", std::string()) : std::string();
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

ProjectExplorer::ProjectExplorer(QWidget* parent) : QTreeWidget(parent) {
  setObjectName(QStringLiteral("projectExplorer"));
  setHeaderHidden(true);
  setRootIsDecorated(true);
  connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (!item) return;
    if (!item->data(0, kFileRole).toString().isEmpty()) Q_EMIT experimentChosen(item->data(0, kFileRole).toString());
    if (!item->data(0, kRunRole).toString().isEmpty()) Q_EMIT runChosen(item->data(0, kRunRole).toString());
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
  // The workspace's runs, by experiment name, listed under each experiment.
  std::map<std::string, std::vector<RunSummary>> runs;
  if (!workspace_.isEmpty())
    for (auto& run : list_runs(WorkspaceLayout{workspace_.toStdString()}.runs()))
      runs[run.experiment].push_back(std::move(run));
  addFolder(tr("Sample projects"), samples_, runs);
  addFolder(tr("Workspace"), workspace_, runs);
  for (int g = 0; g < topLevelItemCount(); ++g) topLevelItem(g)->setExpanded(true);  // groups open, runs folded
}

void ProjectExplorer::addFolder(const QString& title, const QString& folder,
                                const std::map<std::string, std::vector<RunSummary>>& runs) {
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
    const auto found = runs.find(experiment_name(file));
    if (found == runs.end()) continue;
    for (const RunSummary& run : found->second) {
      const QString folderName = QString::fromStdString(run.folder.filename().string());
      auto* child =
          new QTreeWidgetItem(item, {tr("%1 (%2)").arg(folderName, QString::fromStdString(to_string(run.status)))});
      child->setData(0, kFileRole, QFileInfo(file).absoluteFilePath());
      child->setData(0, kRunRole, QString::fromStdString(run.folder.string()));
      child->setToolTip(0, QDir::toNativeSeparators(QString::fromStdString(run.folder.string())));
    }
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
