#pragma once
// The studio's main window: the project explorer (sample projects and the
// user's workspace) and the run list in docks around the open experiment,
// which is validated by the core and shown as it is. Window layout, the
// workspace folder and the recent experiments persist in QSettings. The
// panels that edit and train experiments arrive with the later stages.
#include <QMainWindow>
#include <QString>

class QLabel;
class QPlainTextEdit;
class QFormLayout;
class QMenu;

namespace cradle {

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Loads and validates the file; on failure shows the core's message in the
  // window (and returns false) and keeps whatever was open before.
  bool openExperiment(const QString& path);

  QString experimentPath() const { return experimentPath_; }
  QString errorText() const;

  // The bundled sample projects' folder and the workspace (its projects, and
  // its runs/ folder for the run list).
  void setProjectFolders(const QString& samples, const QString& workspace);
  QString workspace() const { return workspace_; }
  // The workspace preference, else <the platform's app data folder>/workspace.
  static QString configuredWorkspace();
  QStringList recentExperiments() const;

 protected:
  void closeEvent(QCloseEvent* event) override;

 private Q_SLOTS:
  void chooseExperiment();
  void showAbout();

 private:
  void createMenus();
  void createDocks();
  void rememberRecent(const QString& path);
  void rebuildRecentMenu();

  QString experimentPath_;
  QLabel* title_ = nullptr;
  QLabel* description_ = nullptr;
  QLabel* error_ = nullptr;
  QFormLayout* summary_ = nullptr;
  QPlainTextEdit* document_ = nullptr;
  class ProjectExplorer* explorer_ = nullptr;
  class RunList* runs_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QString workspace_;
  QString experimentName_;
};

}  // namespace cradle
