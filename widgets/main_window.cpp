#include "widgets/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/hub/hub_model.h"
#include "widgets/bundle_panel.h"
#include "widgets/compression_panel.h"
#include "widgets/evaluation_panel.h"
#include "widgets/experiment_wizard.h"
#include "widgets/export_dialog.h"
#include "widgets/log_panel.h"
#include "widgets/model_description_text.h"
#include "widgets/palette_colors.h"
#include "widgets/preferences_dialog.h"
#include "widgets/project_explorer.h"
#include "widgets/rating_panel.h"
#include "widgets/run_list.h"
#include "widgets/sweep_panel.h"
#include "widgets/theme.h"
#include "widgets/training_dashboard.h"
#include "widgets/training_session.h"
#include "widgets/translation.h"

// The resources live in this static library; without an explicit call the
// linker drops them and the icons are missing. Must be called outside a namespace.
static void initialize_widget_resources() { Q_INIT_RESOURCE(resources); }

namespace cradle {
namespace {

QString path_text(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

constexpr int kMaxRecent = 8;

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initialize_widget_resources();
  setWindowTitle(tr("Cradle"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/cradle.svg")));
  resize(1100, 720);
  createTabs(experimentPage());
  workspace_.root = configuredWorkspace().toStdString();
  rating_->setFolders(path_text(workspace_.labels()), path_text(workspace_.runs()));
  evaluation_->setRunsFolder(path_text(workspace_.runs()));
  compression_->setFolders(path_text(workspace_.runs()), path_text(workspace_.compress()));
  sweep_->setRunsFolder(path_text(workspace_.runs()));
  training_ = new TrainingSession(this);
  createDocks();
  connectPanels();
  connectTraining();
  createActions();
  createMenus();
  updateActions();
  statusBar()->showMessage(tr("No experiment open"));
  QSettings settings;
  const bool placed = restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  firstLayout_ = !restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  if (!placed) resize(1280, 800);  // the first start: room for the explorer, the tabs and the runs
}

// The Experiment tab: the experiment's title, description, refusal, summary and file.
QWidget* MainWindow::experimentPage() {
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(24, 20, 24, 20);
  layout->setSpacing(12);

  title_ = new QLabel(central);
  QFont titleFont = title_->font();
  titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
  titleFont.setBold(true);
  title_->setFont(titleFont);
  title_->setObjectName(QStringLiteral("experimentTitle"));
  layout->addWidget(title_);

  description_ = new QLabel(central);
  description_->setWordWrap(true);
  layout->addWidget(description_);

  error_ = new QLabel(central);
  error_->setObjectName(QStringLiteral("experimentError"));
  error_->setWordWrap(true);
  error_->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;").arg(error_color(palette()).name()));
  error_->hide();
  layout->addWidget(error_);

  auto* row = new QHBoxLayout;
  auto* summaryBox = new QGroupBox(tr("Experiment"), central);
  summary_ = new QFormLayout(summaryBox);
  summary_->setLabelAlignment(Qt::AlignRight);
  row->addWidget(summaryBox, 1);

  auto* documentBox = new QGroupBox(tr("Experiment file"), central);
  auto* documentLayout = new QVBoxLayout(documentBox);
  document_ = new QPlainTextEdit(documentBox);
  document_->setObjectName(QStringLiteral("experimentDocument"));
  document_->setReadOnly(true);
  document_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  documentLayout->addWidget(document_);
  row->addWidget(documentBox, 2);
  layout->addLayout(row, 1);

  return central;
}

// The experiment and the training dashboard share the centre, as tabs, with the panels after them.
void MainWindow::createTabs(QWidget* experiment) {
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("centralTabs"));
  tabs_->addTab(experiment, tr("Experiment"));
  dashboard_ = new TrainingDashboard(tabs_);
  dashboard_->setObjectName(QStringLiteral("trainingDashboard"));
  tabs_->addTab(dashboard_, tr("Training"));
  rating_ = new RatingPanel(tabs_);
  rating_->setObjectName(QStringLiteral("ratingPanel"));
  tabs_->addTab(rating_, tr("Rate"));
  evaluation_ = new EvaluationPanel(tabs_);
  tabs_->addTab(evaluation_, tr("Evaluate"));
  compression_ = new CompressionPanel(tabs_);
  tabs_->addTab(compression_, tr("Compress"));
  sweep_ = new SweepPanel(tabs_);
  tabs_->addTab(sweep_, tr("Sweep"));
  bundle_ = new BundlePanel(tabs_);
  tabs_->addTab(bundle_, tr("Model"));
  setCentralWidget(tabs_);
}

// What the panels ask of the window: the dashboard to follow runs, experiments opened and trained.
void MainWindow::connectPanels() {
  // A sweep's trials on the dashboard: the first followed, the others overlaid.
  connect(sweep_, &SweepPanel::overlayRequested, this, [this](const QStringList& runs) {
    if (runs.isEmpty()) return;
    dashboard_->followRun(runs.front());
    for (int i = 1; i < runs.size(); ++i) dashboard_->overlayRun(runs[i]);
    tabs_->setCurrentWidget(dashboard_);
  });
  // A compression stage the Compress tab wrote trains like any experiment, followed by the dashboard.
  connect(compression_, &CompressionPanel::trainRequested, this, [this](const QString& file) {
    if (openExperiment(file) && startTraining()) tabs_->setCurrentWidget(dashboard_);
  });
  // The rating panel's stage buttons: the experiment it wrote is opened and trained here.
  connect(rating_, &RatingPanel::stageExperimentWritten, this, [this](const QString& file) {
    if (!openExperiment(file)) return;
    if (!startTraining()) statusBar()->showMessage(tr("%1 is open; train it when the current training ends").arg(file));
  });
  connect(rating_, &RatingPanel::problem, this, &MainWindow::reportProblem);
  connect(dashboard_, &TrainingDashboard::problem, this, &MainWindow::reportProblem);
}

// The training session's news in the log, the status bar, the dashboard and the actions.
void MainWindow::connectTraining() {
  connect(training_, &TrainingSession::logLine, this,
          [this](const QString& line) { log_->add(LogPanel::Level::Info, line); });
  connect(training_, &TrainingSession::paused, this, [this](qint64 step) {
    log_->add(LogPanel::Level::Info, tr("Paused after step %1").arg(step));
    statusBar()->showMessage(tr("Paused after step %1").arg(step));
    if (dashboard_->followedRun() == QFileInfo(training_->runFolder()).absoluteFilePath())
      dashboard_->setRunState(TrainingDashboard::RunState::Paused, step);
    updateActions();
  });
  connect(training_, &TrainingSession::resumed, this, [this](qint64 step) {
    log_->add(LogPanel::Level::Info, tr("Resumed at step %1").arg(step));
    statusBar()->showMessage(tr("Training"));
    if (dashboard_->followedRun() == QFileInfo(training_->runFolder()).absoluteFilePath())
      dashboard_->setRunState(TrainingDashboard::RunState::Running);
    updateActions();
  });
  connect(training_, &TrainingSession::progress, this, [this](qint64 step, qint64 total, qint64 epoch) {
    statusBar()->showMessage(
        tr("Training %1: epoch %2, step %3 of %4").arg(experimentName_).arg(epoch).arg(step).arg(total));
  });
  connect(training_, &TrainingSession::finished, this, &MainWindow::trainingFinished);
}

void MainWindow::createDocks() {
  explorer_ = new ProjectExplorer(this);
  auto* projects = new QDockWidget(tr("Projects"), this);
  projects->setObjectName(QStringLiteral("projectsDock"));  // restoreState finds docks by name
  projects->setWidget(explorer_);
  addDockWidget(Qt::LeftDockWidgetArea, projects);
  connect(explorer_, &ProjectExplorer::experimentChosen, this, [this](const QString& file) { openExperiment(file); });
  connect(explorer_, &ProjectExplorer::runChosen, this, &MainWindow::watchRun);

  runs_ = new RunList(this);
  auto* runs = new QDockWidget(tr("Runs"), this);
  runs->setObjectName(QStringLiteral("runsDock"));
  runs->setWidget(runs_);
  addDockWidget(Qt::BottomDockWidgetArea, runs);
  connect(runs_, &RunList::watchRequested, this, &MainWindow::watchRun);
  connect(runs_, &RunList::resumeRequested, this, &MainWindow::resumeRun);
  connect(runs_, &RunList::compareRequested, this, [this](const QString& folder) {
    if (dashboard_->followedRun().isEmpty()) {
      watchRun(folder);  // nothing shown yet: the run itself
      return;
    }
    if (!dashboard_->overlayRun(folder)) statusBar()->showMessage(tr("%1 has no metrics to compare").arg(folder));
    tabs_->setCurrentWidget(dashboard_);
  });
  log_ = new LogPanel(this);
  auto* log = new QDockWidget(tr("Log"), this);
  log->setObjectName(QStringLiteral("logDock"));
  log->setWidget(log_);
  addDockWidget(Qt::BottomDockWidgetArea, log);
  tabifyDockWidget(runs, log);
  runs->raise();
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (!firstLayout_) return;
  // Dock sizes take effect only once the window has its size: the first time it is shown, without a saved layout.
  firstLayout_ = false;
  // A smaller share on a small screen: at 1024x768 the tabs need the room more than the explorer.
  resizeDocks({findChild<QDockWidget*>(QStringLiteral("projectsDock"))}, {std::min(240, width() * 17 / 100)},
              Qt::Horizontal);
  resizeDocks({findChild<QDockWidget*>(QStringLiteral("runsDock"))}, {std::min(170, height() / 5)}, Qt::Vertical);
}

void MainWindow::createActions() {
  const auto icon = [](const char* name) { return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name))); };
  newAction_ = new QAction(icon("new"), tr("&New Experiment..."), this);
  newAction_->setShortcut(QKeySequence::New);
  newAction_->setToolTip(tr("Create an experiment step by step (Ctrl+N)"));
  connect(newAction_, &QAction::triggered, this, &MainWindow::newExperiment);
  openAction_ = new QAction(icon("open"), tr("&Open Experiment..."), this);
  openAction_->setShortcut(QKeySequence::Open);
  connect(openAction_, &QAction::triggered, this, &MainWindow::chooseExperiment);
  editAction_ = new QAction(icon("edit"), tr("&Edit Experiment..."), this);
  editAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  editAction_->setToolTip(tr("Change the open experiment in the wizard (Ctrl+E)"));
  connect(editAction_, &QAction::triggered, this, &MainWindow::editExperiment);
  saveAsAction_ = new QAction(icon("save"), tr("Save Experiment &As..."), this);
  // Explicit: QKeySequence::SaveAs is empty on platforms without a desktop theme.
  saveAsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  connect(saveAsAction_, &QAction::triggered, this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Experiment As"), experimentPath_, tr("Experiment files (*.json)"));
    if (!path.isEmpty()) saveExperimentAs(path);
  });
  duplicateAction_ = new QAction(tr("&Duplicate Experiment"), this);
  duplicateAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
  connect(duplicateAction_, &QAction::triggered, this, &MainWindow::duplicateExperiment);
  trainAction_ = new QAction(icon("train"), tr("&Train"), this);
  trainAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  trainAction_->setToolTip(tr("Train the open experiment (Ctrl+T)"));
  trainAction_->setObjectName(QStringLiteral("trainAction"));
  connect(trainAction_, &QAction::triggered, this, &MainWindow::startTraining);
  stopAction_ = new QAction(icon("stop"), tr("&Stop"), this);
  stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  stopAction_->setToolTip(tr("Stop at the next step, with a checkpoint to resume from (Ctrl+.)"));
  connect(stopAction_, &QAction::triggered, this, &MainWindow::stopTraining);
  pauseAction_ = new QAction(icon("pause"), tr("&Pause"), this);
  pauseAction_->setShortcut(QKeySequence(Qt::Key_F6));
  pauseAction_->setToolTip(tr("Hold training at the next step (F6)"));
  pauseAction_->setObjectName(QStringLiteral("pauseAction"));
  connect(pauseAction_, &QAction::triggered, this, [this] {
    training_->pause();
    updateActions();
  });
  resumeAction_ = new QAction(icon("train"), tr("Res&ume"), this);
  resumeAction_->setShortcut(QKeySequence(Qt::Key_F7));
  resumeAction_->setToolTip(tr("Go on training (F7)"));
  resumeAction_->setObjectName(QStringLiteral("resumeAction"));
  connect(resumeAction_, &QAction::triggered, this, [this] {
    training_->resume();
    updateActions();
  });
  checkpointAction_ = new QAction(icon("save"), tr("Save &Checkpoint"), this);
  checkpointAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
  checkpointAction_->setToolTip(tr("Save a checkpoint at the next step, to resume from later (Ctrl+Shift+K)"));
  connect(checkpointAction_, &QAction::triggered, training_, &TrainingSession::saveCheckpoint);
  resumeRunAction_ = new QAction(tr("Resume Stopped Run..."), this);
  resumeRunAction_->setToolTip(tr("Continue a stopped run from its newest checkpoint"));
  connect(resumeRunAction_, &QAction::triggered, this, [this] {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Resume Stopped Run"), path_text(workspace_.runs()));
    if (!folder.isEmpty()) resumeRun(folder);
  });
  watchRunAction_ = new QAction(tr("&Watch Run Folder..."), this);
  watchRunAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
  watchRunAction_->setToolTip(
      tr("Follow any run folder's curves as it trains, from this window or cradle-cli (Ctrl+Shift+W)"));
  connect(watchRunAction_, &QAction::triggered, this, [this] {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Watch Run Folder"), path_text(workspace_.runs()));
    if (!folder.isEmpty()) watchRun(folder);
  });
  compareAction_ = new QAction(tr("&Compare with Run..."), this);
  compareAction_->setToolTip(tr("Overlay another run's curves on the dashboard"));
  connect(compareAction_, &QAction::triggered, this, [this] {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Compare with Run"), path_text(workspace_.runs()));
    if (!folder.isEmpty() && !dashboard_->overlayRun(folder))
      statusBar()->showMessage(tr("%1 has no metrics to compare").arg(folder));
  });
  exportChartsAction_ = new QAction(tr("&Export Charts..."), this);
  exportChartsAction_->setToolTip(tr("Save every chart as PNG and PDF, and its data as CSV, into a folder"));
  connect(exportChartsAction_, &QAction::triggered, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export Charts"), workspace());
    if (folder.isEmpty()) return;
    statusBar()->showMessage(dashboard_->exportCharts(folder) ? tr("Charts saved in %1").arg(folder)
                                                              : tr("Could not write the charts to %1").arg(folder));
  });
  preferencesAction_ = new QAction(tr("&Preferences..."), this);
  preferencesAction_->setShortcut(QKeySequence::Preferences);
  if (preferencesAction_->shortcut().isEmpty()) preferencesAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
  connect(preferencesAction_, &QAction::triggered, this, &MainWindow::showPreferences);

  auto* toolbar = addToolBar(tr("Main"));
  toolbar->setObjectName(QStringLiteral("mainToolBar"));
  toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  toolbar->addActions({newAction_, openAction_, editAction_});
  toolbar->addSeparator();
  toolbar->addActions({trainAction_, pauseAction_, resumeAction_, stopAction_});
  dashboard_->setActions({trainAction_, pauseAction_, resumeAction_, stopAction_, checkpointAction_});
}

void MainWindow::updateActions() {
  const bool open = !experimentPath_.isEmpty();
  const bool running = training_->running();
  editAction_->setEnabled(open);
  saveAsAction_->setEnabled(open);
  duplicateAction_->setEnabled(open);
  trainAction_->setEnabled(open && !running);
  stopAction_->setEnabled(running);
  pauseAction_->setEnabled(running && !training_->pauseRequested());
  resumeAction_->setEnabled(running && training_->pauseRequested());
  checkpointAction_->setEnabled(running);
  resumeRunAction_->setEnabled(!running);
}

QString MainWindow::configuredWorkspace() {
  const QString chosen = QSettings().value(QStringLiteral("workspace")).toString();
  if (!chosen.isEmpty()) return chosen;
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/workspace");
}

void MainWindow::setProjectFolders(const QString& samples, const QString& workspace) {
  workspace_.root = workspace.toStdString();
  explorer_->setFolders(samples, workspace);
  rating_->setFolders(path_text(workspace_.labels()), path_text(workspace_.runs()));
  evaluation_->setRunsFolder(path_text(workspace_.runs()));
  compression_->setFolders(path_text(workspace_.runs()), path_text(workspace_.compress()));
  sweep_->setRunsFolder(path_text(workspace_.runs()));
  if (!experimentPath_.isEmpty()) explorer_->select(experimentPath_);
  runs_->showRuns(path_text(workspace_.runs()), experimentName_);
}

QStringList MainWindow::recentExperiments() const {
  return QSettings().value(QStringLiteral("recentExperiments")).toStringList();
}

void MainWindow::rememberRecent(const QString& path) {
  QStringList recent = recentExperiments();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue(QStringLiteral("recentExperiments"), recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = recentExperiments();
  for (const QString& path : recent)
    recentMenu_->addAction(QDir::toNativeSeparators(path), this, [this, path] { openExperiment(path); });
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  QMainWindow::closeEvent(event);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(newAction_);
  file->addAction(openAction_);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  rebuildRecentMenu();
  QAction* openBundleAction = file->addAction(tr("Open Model &Bundle..."), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Model Bundle"), workspace(),
                                                      tr("Model bundles (bundle.json *.cradle);;All files (*)"));
    if (!path.isEmpty()) openBundle(path);
  });
  openBundleAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
  openBundleAction->setToolTip(
      tr("Open a model exported with cradle-cli export (a folder's bundle.json or a .cradle file) and try it"));
  QAction* openFolderAction = file->addAction(tr("Open Hugging Face Model &Folder..."), this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Hugging Face Model Folder"), workspace());
    if (!folder.isEmpty()) openModelFolder(folder);
  });
  openFolderAction->setToolTip(
      tr("Open a model downloaded from the Hugging Face Hub (config.json, model.safetensors, tokenizer.json), or an "
         "ImageNet backbone (model.safetensors in torchvision's names), and try it before tuning it"));
  file->addSeparator();
  file->addAction(editAction_);
  file->addAction(saveAsAction_);
  file->addAction(duplicateAction_);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(preferencesAction_);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run->addActions({trainAction_, pauseAction_, resumeAction_, stopAction_, checkpointAction_});
  run->addSeparator();
  run->addActions({resumeRunAction_, watchRunAction_, compareAction_, exportChartsAction_});
  run->addSeparator();
  QAction* exportModel = run->addAction(tr("&Export Model..."), this, [this] {
    ExportDialog dialog(path_text(workspace_.runs()), QString(), this);
    dialog.exec();
  });
  exportModel->setToolTip(
      tr("Hand a finished run over as a model bundle (with ONNX if wanted) and serve it over HTTP"));
  QAction* rate = run->addAction(tr("&Rate Responses"), this, [this] {
    tabs_->setCurrentWidget(rating_);
    rating_->setFocus();
  });
  rate->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  rate->setToolTip(
      tr("Compare two replies per prompt and label which is better; the labels train a reward model, DPO or PPO"));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (auto* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
  view->addSeparator();
  // Applied at the next start: every window would have to rebuild its texts otherwise.
  QMenu* language = view->addMenu(tr("&Language"));
  auto* languages = new QActionGroup(language);  // exclusive: one choice checked
  const QString current = configured_language();
  const std::pair<QString, QString> choices[] = {{QStringLiteral("system"), tr("As the System")},
                                                 {QStringLiteral("en"), QStringLiteral("English")},
                                                 {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}};
  for (const auto& [code, name] : choices) {
    QAction* choice = language->addAction(name, this, [this, code = code] {
      QSettings().setValue(QStringLiteral("language"), code);
      statusBar()->showMessage(tr("The language changes at the next start"));
    });
    choice->setCheckable(true);
    choice->setChecked(code == current);
    languages->addAction(choice);
    choice->setObjectName(QStringLiteral("language_") + code);
  }
  view->addAction(tr("Re&fresh Projects and Runs"), this,
                  [this] {
                    explorer_->refresh();
                    if (!experimentPath_.isEmpty()) explorer_->select(experimentPath_);
                    runs_->refresh();
                  })
      ->setShortcut(QKeySequence::Refresh);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Cradle"), this, &MainWindow::showAbout);
}

bool MainWindow::openBundle(const QString& path) {
  // The dialog picks a folder's bundle.json; the bundle is the folder.
  const QFileInfo info(path);
  const QString bundle = info.fileName() == QLatin1String("bundle.json") ? info.absolutePath() : path;
  tabs_->setCurrentWidget(bundle_);
  return reportModelOpened(bundle_->openBundle(bundle), tr("Opened model bundle %1").arg(bundle));
}

bool MainWindow::openModelFolder(const QString& folder) {
  tabs_->setCurrentWidget(bundle_);
  return reportModelOpened(bundle_->openModelFolder(folder), tr("Opened model folder %1").arg(folder));
}

bool MainWindow::reportModelOpened(bool opened, const QString& message) {
  if (opened) {
    statusBar()->showMessage(message);
    log_->add(LogPanel::Level::Info, message);
  } else {
    reportProblem(bundle_->errorText());
  }
  return opened;
}

QString MainWindow::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

bool MainWindow::openExperiment(const QString& path) {
  Experiment experiment;
  QString fileText;
  try {
    experiment = load_experiment(path.toStdString());
  } catch (const Error& error) {
    error_->setText(QString::fromStdString(error.what()));
    error_->show();
    statusBar()->showMessage(tr("Could not open %1").arg(path));
    return false;
  }
  error_->hide();
  error_->clear();
  experimentPath_ = path;

  QFile file(path);
  if (file.open(QIODevice::ReadOnly)) fileText = QString::fromUtf8(file.readAll());

  setWindowTitle(tr("%1 - Cradle").arg(QString::fromStdString(experiment.name)));
  title_->setText(QString::fromStdString(experiment.name));
  description_->setText(QString::fromStdString(experiment.description));
  description_->setVisible(!experiment.description.empty());

  while (summary_->rowCount() > 0) summary_->removeRow(0);
  const auto& d = experiment.data;
  const auto& t = experiment.train;
  summary_->addRow(tr("Task:"), new QLabel(QString::fromStdString(to_string(experiment.task))));
  summary_->addRow(tr("Data:"), new QLabel(tr("%1 files, %2% held out for validation")
                                               .arg(QString::fromStdString(to_string(d.source)).toUpper())
                                               .arg(d.validation_fraction * 100, 0, 'g', 3)));
  if (experiment.task == Task::Classification)
    summary_->addRow(tr("Classes:"),
                     new QLabel(d.class_names.empty() ? tr("from the labels") : QString::number(d.class_names.size())));
  // A later stage without a model section keeps the model of the run (or Hugging Face folder) it starts from.
  const QString init_from = QString::fromStdString(experiment.init_from);
  const bool from_folder =
      !experiment.init_from.empty() && is_hub_model_folder(experiment.resolve(experiment.init_from));
  const QString model = from_folder                  ? tr("the Hugging Face model in %1").arg(init_from)
                        : experiment.model_inherited ? tr("the model of %1").arg(init_from)
                                                     : model_description_text(describe_model(experiment.model));
  summary_->addRow(tr("Model:"), new QLabel(model));
  if (t.lora.enabled || t.gradient_checkpointing) {
    QStringList tuning;
    if (t.lora.enabled)
      tuning << tr("LoRA adapters (rank %1, alpha %2), the rest frozen")
                    .arg(t.lora.options.rank)
                    .arg(t.lora.options.alpha);
    if (t.gradient_checkpointing) tuning << tr("gradient checkpointing");
    summary_->addRow(tr("Tuning:"), new QLabel(tuning.join(QStringLiteral("; "))));
  }
  if (experiment.stage != Stage::Pretrain)
    summary_->addRow(tr("Stage:"), new QLabel(tr("%1, from %2")
                                                  .arg(QString::fromStdString(to_string(experiment.stage)),
                                                       QString::fromStdString(experiment.init_from))));
  summary_->addRow(tr("Optimizer:"),
                   new QLabel(tr("%1, learning rate %2").arg(QString::fromStdString(t.optimizer)).arg(t.lr)));
  summary_->addRow(tr("Schedule:"),
                   new QLabel(t.epochs == 1 ? tr("1 epoch, batch %1").arg(t.batch_size)
                                            : tr("%1 epochs, batch %2").arg(t.epochs).arg(t.batch_size)));
  summary_->addRow(tr("Seed:"), new QLabel(QString::number(experiment.seed)));
  auto* hint = new QLabel(tr("Train it with Train (Ctrl+T), or from a terminal:\ncradle-cli train %1")
                              .arg(QFileInfo(path).absoluteFilePath()));
  hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
  hint->setWordWrap(true);
  summary_->addRow(QString(), hint);

  experimentName_ = QString::fromStdString(experiment.name);
  const QString absolute = QFileInfo(path).absoluteFilePath();
  explorer_->select(absolute);
  runs_->showRuns(path_text(workspace_.runs()), experimentName_);
  rememberRecent(absolute);
  document_->setPlainText(fileText);
  statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).absoluteFilePath()));
  updateActions();
  return true;
}

void MainWindow::newExperiment() {
  ExperimentWizard wizard(workspace(), this);
  wizard.startNew();
  if (wizard.exec() == QDialog::Accepted) wizardFinished(wizard);
}

void MainWindow::editExperiment() {
  if (experimentPath_.isEmpty()) return;
  ExperimentWizard wizard(workspace(), this);
  if (!wizard.openExperiment(experimentPath_)) {
    QMessageBox::warning(this, tr("Edit Experiment"), wizard.errorText());
    return;
  }
  if (wizard.exec() == QDialog::Accepted) wizardFinished(wizard);
}

void MainWindow::wizardFinished(const ExperimentWizard& wizard) {
  explorer_->refresh();
  if (!openExperiment(wizard.savedPath())) return;
  if (!wizard.savedSweepPath().isEmpty() && sweep_->openSweep(wizard.savedSweepPath())) {
    // With a sweep, Save and Train trains its trials (in the Sweep tab) rather than the experiment once.
    tabs_->setCurrentWidget(sweep_);
    if (wizard.trainRequested()) sweep_->run();
    return;
  }
  if (wizard.trainRequested()) startTraining();
}

bool MainWindow::saveExperimentAs(const QString& path) {
  if (experimentPath_.isEmpty()) return false;
  try {
    Experiment experiment = load_experiment(experimentPath_.toStdString());
    const QString target = QFileInfo(path).absoluteFilePath();
    // Relative data paths are read from the file's folder: in another folder they must be absolute.
    if (QFileInfo(target).absolutePath() != QFileInfo(experimentPath_).absolutePath())
      experiment = with_absolute_paths(experiment);
    QDir().mkpath(QFileInfo(target).absolutePath());
    write_text_atomically(target.toStdString(), serialize_experiment(experiment));
    explorer_->refresh();
    return openExperiment(target);
  } catch (const Error& error) {
    statusBar()->showMessage(QString::fromStdString(error.what()));
    return false;
  }
}

QString MainWindow::duplicateExperiment() {
  if (experimentPath_.isEmpty()) return {};
  try {
    Experiment experiment = with_absolute_paths(load_experiment(experimentPath_.toStdString()));
    QString name = QString::fromStdString(experiment.name) + QStringLiteral("-copy");
    for (int n = 2; QFileInfo::exists(path_text(workspace_.experiment_folder(name.toStdString()))); ++n)
      name = QString::fromStdString(experiment.name) + QStringLiteral("-copy-%1").arg(n);
    experiment.name = name.toStdString();
    const QString target = path_text(workspace_.experiment_file(name.toStdString()));
    QDir().mkpath(QFileInfo(target).absolutePath());
    write_text_atomically(target.toStdString(), serialize_experiment(experiment));
    explorer_->refresh();
    return openExperiment(target) ? target : QString();
  } catch (const Error& error) {
    statusBar()->showMessage(QString::fromStdString(error.what()));
    return {};
  }
}

bool MainWindow::startTraining() {
  if (experimentPath_.isEmpty() || training_->running()) return false;
  Experiment experiment;
  try {
    experiment = load_experiment(experimentPath_.toStdString());
  } catch (const Error& error) {
    error_->setText(QString::fromStdString(error.what()));
    error_->show();
    return false;
  }
  const QString runs = path_text(workspace_.runs());
  QDir().mkpath(runs);
  if (!training_->start(experiment, runs)) return false;
  log_->add(LogPanel::Level::Info,
            tr("Training %1 (%2)").arg(QString::fromStdString(experiment.name), experimentPath_));
  dashboard_->followRun(training_->runFolder(), QString::fromStdString(to_string(experiment.task)));
  tabs_->setCurrentWidget(dashboard_);
  statusBar()->showMessage(
      tr("Training %1: reading the data and building the model...").arg(QString::fromStdString(experiment.name)));
  updateActions();
  return true;
}

bool MainWindow::resumeRun(const QString& run_folder) {
  if (training_->running()) return false;
  QString task;
  try {
    task = QString::fromStdString(
        to_string(load_experiment((run_folder + QStringLiteral("/experiment.json")).toStdString()).task));
  } catch (const Error& error) {
    reportProblem(QString::fromStdString(error.what()));
    return false;
  }
  if (!training_->resumeRun(run_folder)) return false;
  log_->add(LogPanel::Level::Info, tr("Resuming %1").arg(run_folder));
  dashboard_->followRun(run_folder, task);
  tabs_->setCurrentWidget(dashboard_);
  updateActions();
  return true;
}

void MainWindow::reportProblem(const QString& message) {
  // The Log dock is hidden by default: a refusal is also said where the eyes are.
  log_->add(LogPanel::Level::Warning, message);
  statusBar()->showMessage(message, 20000);
}

void MainWindow::watchRun(const QString& run_folder) {
  evaluation_->selectRun(run_folder);  // the Evaluate tab offers the run being looked at
  dashboard_->followRun(run_folder);
  tabs_->setCurrentWidget(dashboard_);
  log_->add(LogPanel::Level::Info, tr("Watching %1").arg(run_folder));
}

void MainWindow::stopTraining() {
  if (!training_->running()) return;
  training_->stop();
  statusBar()->showMessage(tr("Stopping at the next step..."));
}

void MainWindow::trainingFinished(RunStatus status, const QString& summary) {
  QString message = tr("Training failed: %1").arg(summary);
  auto state = TrainingDashboard::RunState::Failed;
  switch (status) {
    case RunStatus::Completed:
      message = tr("Training finished: %1").arg(summary);
      state = TrainingDashboard::RunState::Finished;
      break;
    case RunStatus::Stopped:
      message = tr("Training stopped: %1").arg(summary);
      state = TrainingDashboard::RunState::Stopped;
      break;
    case RunStatus::Failed:
    case RunStatus::Incomplete:  // a session reports only the three above
    case RunStatus::Unreadable: break;
  }
  if (dashboard_->followedRun() == QFileInfo(training_->runFolder()).absoluteFilePath())
    dashboard_->setRunState(state);
  else
    dashboard_->poll();  // the last records
  log_->add(state == TrainingDashboard::RunState::Failed ? LogPanel::Level::Error : LogPanel::Level::Info, message);
  statusBar()->showMessage(message);
  notify(message);
  rating_->trainingFinished(training_->runFolder(), status);
  runs_->refresh();
  evaluation_->refreshRuns();
  compression_->refresh();
  explorer_->refresh();  // the new run under its experiment
  if (!experimentPath_.isEmpty()) explorer_->select(experimentPath_);
  updateActions();
}

QString MainWindow::logText() const { return log_->text(); }

void MainWindow::notify(const QString& message) {
  // A desktop notification where the desktop has a tray; the status bar and
  // the taskbar's attention hint always.
  if (QSystemTrayIcon::isSystemTrayAvailable()) {
    if (!tray_) {
      tray_ = new QSystemTrayIcon(windowIcon(), this);
      tray_->show();
    }
    tray_->showMessage(tr("Cradle"), message, QSystemTrayIcon::Information, 8000);
  }
  QApplication::alert(this);
}

void MainWindow::showPreferences() {
  PreferencesDialog dialog(this);
  if (dialog.exec() != QDialog::Accepted) return;
  dialog.save();
  apply_theme(dialog.theme());
  if (dialog.workspace() != workspace()) setProjectFolders(explorer_->samplesFolder(), dialog.workspace());
  statusBar()->showMessage(tr("Preferences saved"));
}

void MainWindow::chooseExperiment() {
  const QString start = experimentPath_.isEmpty() ? QString() : QFileInfo(experimentPath_).absolutePath();
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open Experiment"), start, tr("Experiment files (*.json)"));
  if (!path.isEmpty()) openExperiment(path);
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Cradle"),
                     tr("<b>Cradle %1</b><p>A desktop studio for training neural networks, "
                        "built on Qt and LibTorch.</p>")
                         .arg(QStringLiteral(CRADLE_VERSION)));
}

}  // namespace cradle
