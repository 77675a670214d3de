#pragma once
// The project explorer: the bundled sample projects and the user's workspace,
// each project a folder holding an experiment.json, with the workspace's runs
// of each experiment under it. Choosing one emits its experiment file (and a
// run, its folder too).
#include <QString>
#include <QTreeWidget>

#include <map>
#include <string>
#include <vector>

namespace cradle {

struct RunSummary;

class ProjectExplorer : public QTreeWidget {
  Q_OBJECT

 public:
  explicit ProjectExplorer(QWidget* parent = nullptr);

  // Lists the projects (sub-folders with an experiment.json) of both folders;
  // an absent folder shows as empty.
  void setFolders(const QString& samples, const QString& workspace);
  void refresh();

  // The experiment files listed, in order (for tests and the first start).
  QStringList experimentFiles() const;
  QString samplesFolder() const { return samples_; }
  // Selects the item of `experimentFile`; false when it is not listed.
  bool select(const QString& experimentFile);

 Q_SIGNALS:
  void experimentChosen(const QString& experimentFile);
  void runChosen(const QString& runFolder);

 private:
  void addFolder(const QString& title, const QString& folder,
                 const std::map<std::string, std::vector<RunSummary>>& runs);

  QString samples_, workspace_;
};

}  // namespace cradle
