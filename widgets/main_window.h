#pragma once
// The studio's main window: the project explorer (sample projects and the
// user's workspace) and the run list in docks around the open experiment,
// which is validated by the core and shown as it is (the Experiment tab); the
// experiment wizard creates and edits experiments; Train runs the open one and
// the Training tab's dashboard follows it (or any run folder), with messages
// in the Log dock; the Rate tab labels preference pairs and trains the next
// alignment stage from them; the Model tab opens exported bundles and tries them. Window layout, preferences and recent experiments persist
// in QSettings.
#include <QMainWindow>
#include <QString>

#include "core/run/run_index.h"
#include "core/run/workspace_layout.h"

class QAction;
class QLabel;
class QPlainTextEdit;
class QFormLayout;
class QMenu;
class QSystemTrayIcon;
class QTabWidget;

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
  QString workspace() const { return QString::fromStdString(workspace_.root.string()); }
  // The workspace preference, else <the platform's app data folder>/workspace.
  static QString configuredWorkspace();
  QStringList recentExperiments() const;

  // What the wizard saved: opened (and trained when asked).
  void wizardFinished(const class ExperimentWizard& wizard);
  // Writes the open experiment to `path` (data paths made absolute when the
  // folder changes) and opens it there.
  bool saveExperimentAs(const QString& path);
  // A copy named <name>-copy (-copy-2, ...) in the workspace, opened; its path
  // or empty (with the reason in the status bar).
  QString duplicateExperiment();
  // Trains the open experiment into <workspace>/runs; false when none is open or one runs.
  bool startTraining();
  void stopTraining();
  // Continues a stopped run (its folder) from its newest checkpoint.
  bool resumeRun(const QString& run_folder);
  // Shows a run folder's curves on the dashboard as it grows.
  void watchRun(const QString& run_folder);
  class TrainingDashboard* dashboard() const {
    return dashboard_;
  }
  class TrainingSession* trainingSession() const {
    return training_;
  }
  class RatingPanel* ratingPanel() const {
    return rating_;
  }
  // Opens a model bundle (a folder, its bundle.json, or a .cradle file) in the Model tab.
  bool openBundle(const QString& path);
  // A Hugging Face model folder in the Model tab, to try before tuning it.
  bool openModelFolder(const QString& folder);
  class BundlePanel* bundlePanel() const {
    return bundle_;
  }
  class EvaluationPanel* evaluationPanel() const {
    return evaluation_;
  }
  class CompressionPanel* compressionPanel() const {
    return compression_;
  }
  QString logText() const;

 public Q_SLOTS:
  void newExperiment();
  void editExperiment();
  void showPreferences();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private Q_SLOTS:
  void chooseExperiment();
  void showAbout();

 private:
  QWidget* experimentPage();
  void createTabs(QWidget* experiment);
  void connectPanels();
  void connectTraining();
  void createActions();
  void createMenus();
  void createDocks();
  void trainingFinished(RunStatus status, const QString& summary);
  // A refusal or failure: in the status bar (for 20 s) and the log.
  void reportProblem(const QString& message);
  // After the Model tab opened a bundle or a model folder: `message` when it did, its refusal when not.
  bool reportModelOpened(bool opened, const QString& message);
  void updateActions();
  void notify(const QString& message);
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
  QAction *newAction_ = nullptr, *openAction_ = nullptr, *editAction_ = nullptr, *saveAsAction_ = nullptr,
          *duplicateAction_ = nullptr, *trainAction_ = nullptr, *stopAction_ = nullptr, *preferencesAction_ = nullptr,
          *pauseAction_ = nullptr, *resumeAction_ = nullptr, *checkpointAction_ = nullptr, *resumeRunAction_ = nullptr,
          *watchRunAction_ = nullptr, *compareAction_ = nullptr, *exportChartsAction_ = nullptr;
  class TrainingSession* training_ = nullptr;
  class TrainingDashboard* dashboard_ = nullptr;
  class RatingPanel* rating_ = nullptr;
  class BundlePanel* bundle_ = nullptr;
  class EvaluationPanel* evaluation_ = nullptr;
  class CompressionPanel* compression_ = nullptr;
  class SweepPanel* sweep_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  bool firstLayout_ = false;  // no saved layout: the docks get their sizes when first shown
  class LogPanel* log_ = nullptr;
  QSystemTrayIcon* tray_ = nullptr;
  WorkspaceLayout workspace_;  // core/run/workspace_layout.h: where runs, labels and compression stages go
  QString experimentName_;
};

}  // namespace cradle
