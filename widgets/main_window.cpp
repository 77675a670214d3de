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
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "widgets/project_explorer.h"
#include "widgets/run_list.h"
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
  error_->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: 600;"));
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
  document_->setReadOnly(true);
  document_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  documentLayout->addWidget(document_);
  row->addWidget(documentBox, 2);
  layout->addLayout(row, 1);

  setCentralWidget(central);
  workspace_ = configuredWorkspace();
  createDocks();
  createMenus();
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
  resizeDocks({projects}, {240}, Qt::Horizontal);
  resizeDocks({runs}, {170}, Qt::Vertical);
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
  QAction* open = file->addAction(tr("&Open Experiment..."), this, &MainWindow::chooseExperiment);
  open->setShortcut(QKeySequence::Open);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  rebuildRecentMenu();
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
  quit->setShortcut(QKeySequence::Quit);

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
  auto* hint = new QLabel(tr("Train it from a terminal:\ncradle-cli train %1").arg(QFileInfo(path).absoluteFilePath()));
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
  return true;
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
