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
#include <QProgressBar>
#include <QSettings>
#include <QToolBar>
#include <QStandardPaths>
#include <QStatusBar>
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "widgets/experiment_wizard.h"
#include "widgets/palette_colors.h"
#include "widgets/preferences_dialog.h"
#include "widgets/project_explorer.h"
#include "widgets/run_list.h"
#include "widgets/theme.h"
#include "widgets/training_session.h"
#include "widgets/translation.h"

// The resources live in this static library; without an explicit call the
// linker drops them and the icons are missing. Must be called outside a namespace.
static void initialize_widget_resources() { Q_INIT_RESOURCE(resources); }

namespace cradle {
namespace {

constexpr int kMaxRecent = 8;

QString joined(const std::vector<std::int64_t>& values) {
  QStringList parts;
  for (auto v : values) parts << QString::number(v);
  return parts.join(QStringLiteral(", "));
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initialize_widget_resources();
  setWindowTitle(tr("Cradle"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/cradle.svg")));
  resize(1100, 720);

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

  setCentralWidget(central);
  workspace_ = configuredWorkspace();
  training_ = new TrainingSession(this);
  connect(training_, &TrainingSession::logLine, this, [this](const QString& line) { log_->appendPlainText(line); });
  connect(training_, &TrainingSession::progress, this,
          [this](qint64 step, qint64 total, qint64 epoch, double loss, double samples_per_second) {
            progress_->setMaximum(static_cast<int>(std::max<qint64>(total, 1)));
            progress_->setValue(static_cast<int>(step));
            progressText_->setText(tr("Epoch %1, step %2 of %3: loss %4, %5 samples/s")
                                       .arg(epoch).arg(step).arg(total).arg(loss, 0, 'f', 4).arg(samples_per_second, 0, 'f', 0));
          });
  connect(training_, &TrainingSession::finished, this, &MainWindow::training_finished);
  createDocks();
  createActions();
  createMenus();
  update_actions();
  statusBar()->showMessage(tr("No experiment open"));
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::createDocks() {
  explorer_ = new ProjectExplorer(this);
  auto* projects = new QDockWidget(tr("Projects"), this);
  projects->setObjectName(QStringLiteral("projectsDock"));  // restoreState finds docks by name
  projects->setWidget(explorer_);
  addDockWidget(Qt::LeftDockWidgetArea, projects);
  connect(explorer_, &ProjectExplorer::experimentChosen, this, [this](const QString& file) { openExperiment(file); });

  runs_ = new RunList(this);
  auto* runs = new QDockWidget(tr("Runs"), this);
  runs->setObjectName(QStringLiteral("runsDock"));
  runs->setWidget(runs_);
  addDockWidget(Qt::BottomDockWidgetArea, runs);
  // Training: progress of the run started from this window (the full
  // dashboard with curves comes with the dashboard work).
  auto* trainingPanel = new QWidget(this);
  auto* trainingLayout = new QVBoxLayout(trainingPanel);
  progress_ = new QProgressBar(trainingPanel);
  progress_->setObjectName(QStringLiteral("trainingProgress"));
  progress_->setValue(0);
  trainingLayout->addWidget(progress_);
  progressText_ = new QLabel(tr("Not training. Open an experiment and press Train (Ctrl+T)."), trainingPanel);
  progressText_->setObjectName(QStringLiteral("trainingStatus"));
  progressText_->setWordWrap(true);
  trainingLayout->addWidget(progressText_);
  trainingLayout->addStretch();
  auto* training = new QDockWidget(tr("Training"), this);
  training->setObjectName(QStringLiteral("trainingDock"));
  training->setWidget(trainingPanel);
  addDockWidget(Qt::RightDockWidgetArea, training);

  log_ = new QPlainTextEdit(this);
  log_->setObjectName(QStringLiteral("trainingLog"));
  log_->setReadOnly(true);
  log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  log_->setMaximumBlockCount(10000);
  auto* log = new QDockWidget(tr("Log"), this);
  log->setObjectName(QStringLiteral("logDock"));
  log->setWidget(log_);
  addDockWidget(Qt::BottomDockWidgetArea, log);
  tabifyDockWidget(runs, log);
  runs->raise();
  resizeDocks({projects, training}, {240, 260}, Qt::Horizontal);
  resizeDocks({runs}, {170}, Qt::Vertical);
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
  saveAsAction_->setShortcut(QKeySequence::SaveAs);
  connect(saveAsAction_, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Experiment As"), experimentPath_, tr("Experiment files (*.json)"));
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
  preferencesAction_ = new QAction(tr("&Preferences..."), this);
  preferencesAction_->setShortcut(QKeySequence::Preferences);
  if (preferencesAction_->shortcut().isEmpty()) preferencesAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
  connect(preferencesAction_, &QAction::triggered, this, &MainWindow::showPreferences);

  auto* toolbar = addToolBar(tr("Main"));
  toolbar->setObjectName(QStringLiteral("mainToolBar"));
  toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  toolbar->addActions({newAction_, openAction_, editAction_});
  toolbar->addSeparator();
  toolbar->addActions({trainAction_, stopAction_});
}

void MainWindow::update_actions() {
  const bool open = !experimentPath_.isEmpty();
  const bool running = training_->running();
  editAction_->setEnabled(open);
  saveAsAction_->setEnabled(open);
  duplicateAction_->setEnabled(open);
  trainAction_->setEnabled(open && !running);
  stopAction_->setEnabled(running);
}

QString MainWindow::configuredWorkspace() {
  const QString chosen = QSettings().value(QStringLiteral("workspace")).toString();
  if (!chosen.isEmpty()) return chosen;
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/workspace");
}

void MainWindow::setProjectFolders(const QString& samples, const QString& workspace) {
  workspace_ = workspace;
  explorer_->setFolders(samples, workspace);
  if (!experimentPath_.isEmpty()) explorer_->select(experimentPath_);
  runs_->showRuns(QDir(workspace_).filePath(QStringLiteral("runs")), experimentName_);
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
  run->addAction(trainAction_);
  run->addAction(stopAction_);

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
  view->addAction(tr("Re&fresh Projects and Runs"), this, [this] {
        explorer_->refresh();
        if (!experimentPath_.isEmpty()) explorer_->select(experimentPath_);
        runs_->refresh();
      })->setShortcut(QKeySequence::Refresh);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Cradle"), this, &MainWindow::showAbout);
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
  const auto& m = experiment.model;
  const auto& t = experiment.train;
  summary_->addRow(tr("Task:"), new QLabel(QString::fromStdString(experiment.task)));
  summary_->addRow(tr("Data:"), new QLabel(tr("%1 files, %2% held out for validation")
                                               .arg(QString::fromStdString(d.source).toUpper())
                                               .arg(d.validation_fraction * 100, 0, 'g', 3)));
  summary_->addRow(tr("Classes:"), new QLabel(d.class_names.empty() ? tr("from the labels")
                                                                     : QString::number(d.class_names.size())));
  QString model;
  if (m.type == "cnn") model = tr("CNN, conv channels %1, dense %2").arg(joined(m.conv_channels), joined(m.hidden));
  else if (m.type == "mlp") model = tr("MLP, hidden %1").arg(joined(m.hidden));
  else if (m.type == "lenet5") model = tr("LeNet-5");
  else if (m.type == "resnet") model = tr("ResNet, widths %1, blocks %2").arg(joined(m.widths), joined(m.blocks));
  else if (m.is_recurrent())
    model = tr("%1, %2 layers, hidden size %3%4").arg(QString::fromStdString(m.type).toUpper()).arg(m.layers).arg(m.hidden_size)
                .arg(m.bidirectional ? tr(", bidirectional") : QString());
  else
    model = tr("%1, %2 blocks, width %3, %4 heads").arg(m.type == "gpt" ? tr("GPT") : tr("Transformer encoder"))
                .arg(m.layers).arg(m.width).arg(m.heads);
  summary_->addRow(tr("Model:"), new QLabel(model));
  summary_->addRow(tr("Optimizer:"), new QLabel(tr("%1, learning rate %2").arg(QString::fromStdString(t.optimizer)).arg(t.lr)));
  summary_->addRow(tr("Schedule:"), new QLabel(tr("%1 epochs, batch %2").arg(t.epochs).arg(t.batch_size)));
  summary_->addRow(tr("Seed:"), new QLabel(QString::number(experiment.seed)));
  auto* hint = new QLabel(tr("Train it with Train (Ctrl+T), or from a terminal:\ncradle-cli train %1").arg(QFileInfo(path).absoluteFilePath()));
  hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
  hint->setWordWrap(true);
  summary_->addRow(QString(), hint);

  experimentName_ = QString::fromStdString(experiment.name);
  const QString absolute = QFileInfo(path).absoluteFilePath();
  explorer_->select(absolute);
  runs_->showRuns(QDir(workspace_).filePath(QStringLiteral("runs")), experimentName_);
  rememberRecent(absolute);
  document_->setPlainText(fileText);
  statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).absoluteFilePath()));
  update_actions();
  return true;
}

void MainWindow::newExperiment() {
  ExperimentWizard wizard(workspace_, this);
  wizard.startNew();
  if (wizard.exec() == QDialog::Accepted) wizardFinished(wizard);
}

void MainWindow::editExperiment() {
  if (experimentPath_.isEmpty()) return;
  ExperimentWizard wizard(workspace_, this);
  if (!wizard.openExperiment(experimentPath_)) {
    QMessageBox::warning(this, tr("Edit Experiment"), wizard.errorText());
    return;
  }
  if (wizard.exec() == QDialog::Accepted) wizardFinished(wizard);
}

void MainWindow::wizardFinished(const ExperimentWizard& wizard) {
  explorer_->refresh();
  if (!openExperiment(wizard.savedPath())) return;
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
    for (int n = 2; QFileInfo::exists(QDir(workspace_).filePath(name)); ++n)
      name = QString::fromStdString(experiment.name) + QStringLiteral("-copy-%1").arg(n);
    experiment.name = name.toStdString();
    const QString target = QDir(workspace_).filePath(name + QStringLiteral("/experiment.json"));
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
  const QString runs = QDir(workspace_).filePath(QStringLiteral("runs"));
  QDir().mkpath(runs);
  if (!training_->start(experiment, runs)) return false;
  log_->appendPlainText(tr("Training %1 (%2)").arg(QString::fromStdString(experiment.name), experimentPath_));
  progress_->setValue(0);
  progressText_->setText(tr("Reading the data and building the model..."));
  statusBar()->showMessage(tr("Training %1").arg(QString::fromStdString(experiment.name)));
  update_actions();
  return true;
}

void MainWindow::stopTraining() {
  if (!training_->running()) return;
  training_->stop();
  progressText_->setText(tr("Stopping at the next step..."));
}

void MainWindow::training_finished(const QString& status, const QString& summary) {
  QString message;
  if (status == QLatin1String("completed")) message = tr("Training finished: %1").arg(summary);
  else if (status == QLatin1String("stopped")) message = tr("Training stopped: %1").arg(summary);
  else message = tr("Training failed: %1").arg(summary);
  log_->appendPlainText(message);
  progressText_->setText(message);
  statusBar()->showMessage(message);
  runs_->refresh();
  explorer_->refresh();  // the new run under its experiment
  if (!experimentPath_.isEmpty()) explorer_->select(experimentPath_);
  update_actions();
}

QString MainWindow::logText() const { return log_->toPlainText(); }

void MainWindow::showPreferences() {
  PreferencesDialog dialog(this);
  if (dialog.exec() != QDialog::Accepted) return;
  dialog.save();
  apply_theme(dialog.theme());
  if (dialog.workspace() != workspace_) setProjectFolders(explorer_->samplesFolder(), dialog.workspace());
  statusBar()->showMessage(tr("Preferences saved"));
}

void MainWindow::chooseExperiment() {
  const QString start = experimentPath_.isEmpty() ? QString() : QFileInfo(experimentPath_).absolutePath();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Experiment"), start, tr("Experiment files (*.json)"));
  if (!path.isEmpty()) openExperiment(path);
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About Cradle"),
                     tr("<b>Cradle %1</b><p>A desktop studio for training neural networks, "
                        "built on Qt and LibTorch.</p>")
                         .arg(QStringLiteral(CRADLE_VERSION)));
}

}  // namespace cradle
