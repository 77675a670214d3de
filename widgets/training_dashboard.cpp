#include "widgets/training_dashboard.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/run/metrics_follower.h"
#include "core/run/run_index.h"
#include "widgets/custom_plot.h"
#include "widgets/metrics_chart.h"
#include "widgets/sample_snapshots_view.h"

namespace cradle {
namespace {

QString duration_text(double seconds) {
  const auto s = static_cast<qint64>(std::llround(std::max(0.0, seconds)));
  return s >= 3600 ? QStringLiteral("%1:%2:%3")
                         .arg(s / 3600)
                         .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
                         .arg(s % 60, 2, 10, QLatin1Char('0'))
                   : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

const QColor kTrain(0x1f, 0x77, 0xb4), kValidation(0xff, 0x7f, 0x0e), kOther(0x2c, 0xa0, 0x2c);
const QColor kOverlay[] = {QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2),
                           QColor(0x7f, 0x7f, 0x7f)};

}  // namespace

// A followed or overlaid run: its file, its task and its series in each chart.
struct TrainingDashboard::Run {
  std::unique_ptr<MetricsFollower> follower;
  QString name;
  Task task = Task::Classification;
  std::optional<TrainingPlan> plan;
  int trainLoss = -1, validationLoss = -1, trainQuality = -1, validationQuality = -1, rate = -1, speed = -1;
  double lastWall = 0, lastSpeed = 0;
  std::int64_t lastEpoch = 0;
};

TrainingDashboard::TrainingDashboard(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  buttons_ = new QWidget(this);
  auto* buttonRow = new QHBoxLayout(buttons_);
  buttonRow->setContentsMargins(0, 0, 0, 0);
  top->addWidget(buttons_);
  progress_ = new QProgressBar(this);
  progress_->setObjectName(QStringLiteral("trainingProgress"));
  progress_->setMinimumWidth(200);
  progress_->setValue(0);
  top->addWidget(progress_, 1);
  layout->addLayout(top);
  progressText_ = new QLabel(
      tr("Not training. Open an experiment and press Train (Ctrl+T), or open a run folder to watch it."), this);
  progressText_->setObjectName(QStringLiteral("trainingStatus"));
  progressText_->setWordWrap(true);
  layout->addWidget(progressText_);

  auto* view = new QHBoxLayout;
  view->addWidget(new QLabel(tr("Smoothing:"), this));
  smoothing_ = new QSlider(Qt::Horizontal, this);
  smoothing_->setObjectName(QStringLiteral("smoothing"));
  smoothing_->setRange(0, 99);
  smoothing_->setValue(60);
  smoothing_->setMaximumWidth(160);
  smoothing_->setToolTip(tr("Exponential moving average of the curves; the raw points stay, faint."));
  view->addWidget(smoothing_);
  logScale_ = new QCheckBox(tr("Log scale"), this);
  logScale_->setObjectName(QStringLiteral("logScale"));
  view->addWidget(logScale_);
  auto* autoscale = new QPushButton(tr("Autoscale"), this);
  autoscale->setToolTip(tr("Fit every chart to its data again (also a double click on a chart)."));
  view->addWidget(autoscale);
  view->addStretch();
  auto* hint =
      new QLabel(tr("Drag to pan, wheel to zoom, click a legend entry to hide it, right-click to export."), this);
  hint->setWordWrap(true);  // wraps on a narrow window rather than widening it
  view->addWidget(hint, 1);
  layout->addLayout(view);

  auto* chartArea = new QWidget(this);
  auto* grid = new QGridLayout(chartArea);
  grid->setContentsMargins(0, 0, 0, 0);
  loss_ = new MetricsChart(tr("Loss"), tr("step"), tr("loss"), this);
  quality_ = new MetricsChart(tr("Accuracy"), tr("step"), tr("accuracy"), this);
  rate_ = new MetricsChart(tr("Learning rate"), tr("step"), tr("learning rate"), this);
  throughput_ = new MetricsChart(tr("Throughput"), tr("step"), tr("samples/s"), this);
  grid->addWidget(loss_, 0, 0);
  grid->addWidget(quality_, 0, 1);
  grid->addWidget(rate_, 1, 0);
  grid->addWidget(throughput_, 1, 1);
  samples_ = new SampleSnapshotsView(this);
  samples_->setObjectName(QStringLiteral("sampleSnapshots"));
  samples_->setMinimumWidth(240);  // two thumbnails and their captions across; wider shows three
  auto* splitter = new QSplitter(this);
  splitter->addWidget(chartArea);
  splitter->addWidget(samples_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 1);
  splitter->setChildrenCollapsible(false);
  layout->addWidget(splitter, 1);

  connect(smoothing_, &QSlider::valueChanged, this, [this](int value) {
    for (auto* chart : charts()) chart->setSmoothing(value / 100.0);
  });
  connect(logScale_, &QCheckBox::toggled, this, [this](bool on) {
    loss_->setLogScale(on);
    quality_->setLogScale(on);
  });
  connect(autoscale, &QPushButton::clicked, this, [this] {
    for (auto* chart : charts()) chart->autoscale();
  });
  poll_.setInterval(200);
  connect(&poll_, &QTimer::timeout, this, &TrainingDashboard::poll);
}

TrainingDashboard::~TrainingDashboard() = default;

void TrainingDashboard::setActions(const QList<QAction*>& actions) {
  for (QAction* action : actions) {
    auto* button = new QToolButton(buttons_);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    buttons_->layout()->addWidget(button);
  }
}

void TrainingDashboard::followRun(const QString& run_folder, const QString& task) {
  for (auto* chart : charts()) chart->clear();
  overlays_ = 0;
  runFolder_ = QFileInfo(run_folder).absoluteFilePath();
  run_ = std::make_unique<Run>();
  run_->follower =
      std::make_unique<MetricsFollower>(QDir(runFolder_).filePath(QStringLiteral("metrics.jsonl")).toStdString());
  run_->name = QFileInfo(runFolder_).fileName();
  if (!task.isEmpty()) {
    run_->task = parse_task(task.toStdString()).value_or(Task::Classification);
  } else
    try {  // the task decides the second chart; a folder without its experiment still shows losses
      const Json doc = parse_json_text(
          read_file(QDir(runFolder_).filePath(QStringLiteral("experiment.json")).toStdString()), "experiment.json");
      run_->task = parse_task(doc.value("task", std::string("classification"))).value_or(Task::Classification);
    } catch (const std::exception&) {
      run_->task = Task::Classification;
    }
  samples_->follow(runFolder_);
  lastStep_ = 0;
  state_ = RunState::Running;
  stateStep_ = -1;
  progress_->setValue(0);
  progressText_->setText(tr("Following %1").arg(QDir::toNativeSeparators(runFolder_)));
  poll();
  poll_.start();
  explainUntrainedRun();
}

// A finished run made without training (quantising) has no curves of its own:
// say so, give its test figure, and show the curves of the run it came from.
void TrainingDashboard::explainUntrainedRun() {
  if (QFileInfo::exists(QDir(runFolder_).filePath(QStringLiteral("metrics.jsonl")))) return;
  const auto run = summarize_run(runFolder_.toStdString());
  if (!run || run->status != RunStatus::Completed || run->stage.empty()) return;
  const QString source = QString::fromStdString(run->init_from);
  const QString figure =
      run->metric ? QStringLiteral("%1 %2").arg(QString::fromStdString(run->metric_name)).arg(*run->metric, 0, 'g', 4)
                  : tr("no test figure");
  const bool overlaid = !source.isEmpty() && overlayRun(source);
  progress_->setValue(progress_->maximum());
  progressText_->setText(
      overlaid ? tr("%1 was made by %2 from %3 without training, so it has no curves of its own; the dashed "
                    "curves are those of %3. Test: %4. The Compress tab compares the two.")
                     .arg(run_->name, QString::fromStdString(run->stage), QFileInfo(source).fileName(), figure)
               : tr("%1 was made by %2 without training, so it has no curves. Test: %3.")
                     .arg(run_->name, QString::fromStdString(run->stage), figure));
}

void TrainingDashboard::poll() {
  if (!run_) return;
  const MetricsUpdate update = run_->follower->read_new();
  if (!update.empty()) apply(update, *run_, false);
  samples_->poll();
}

bool TrainingDashboard::overlayRun(const QString& run_folder) {
  Run other;
  other.follower =
      std::make_unique<MetricsFollower>(QDir(run_folder).filePath(QStringLiteral("metrics.jsonl")).toStdString());
  other.name = QFileInfo(run_folder).fileName();
  other.task = run_ ? run_->task : Task::Classification;
  const MetricsUpdate update = other.follower->read_new();
  if (update.steps.empty() && update.evaluations.empty()) return false;
  apply(update, other, true);
  ++overlays_;
  return true;
}

void TrainingDashboard::apply(const MetricsUpdate& update, Run& run, bool overlay) {
  const bool language_model = run.task == Task::LanguageModel;
  const bool regression = run.task == Task::Regression;
  if (run.trainLoss < 0) {  // the run's series, created on its first records
    const QString prefix = overlay ? run.name + QLatin1Char(' ') : QString();
    const QColor base = kOverlay[overlays_ % 4];
    const QColor train = overlay ? base : kTrain, validation = overlay ? base.lighter(130) : kValidation;
    run.trainLoss = loss_->addSeries(prefix + tr("train"), train, overlay);
    run.validationLoss = loss_->addSeries(prefix + tr("validation"), validation, overlay, true);
    run.trainQuality = quality_->addSeries(prefix + tr("train"), train, overlay);
    run.validationQuality = quality_->addSeries(prefix + tr("validation"), validation, overlay, true);
    run.rate = rate_->addSeries(prefix + tr("learning rate"), overlay ? base : kOther, overlay);
    run.speed = throughput_->addSeries(prefix + tr("samples/s"), overlay ? base : kOther, overlay);
    const QString quality = language_model ? tr("Perplexity") : regression ? tr("Mean absolute error") : tr("Accuracy");
    quality_->plot()->yAxis->setLabel(quality.toLower());
    if (auto* title = qobject_cast<QCPTextElement*>(quality_->plot()->plotLayout()->element(0, 0)))
      title->setText(quality);
  }
  // A language model's perplexity is exp(loss); a classifier's accuracy and a regression's error as logged.
  const auto quality_of = [&](double loss, double accuracy, const std::optional<double>& mae) {
    return language_model ? std::exp(loss) : regression ? mae.value_or(0) : accuracy;
  };
  if (update.plan) run.plan = update.plan;
  for (const StepMetrics& m : update.steps) {
    const auto x = static_cast<double>(m.step);
    loss_->append(run.trainLoss, x, m.loss);
    quality_->append(run.trainQuality, x, quality_of(m.loss, m.accuracy, m.mae));
    rate_->append(run.rate, x, m.lr);
    throughput_->append(run.speed, x, m.samples_per_second);
    run.lastWall = m.wall_seconds;
    run.lastSpeed = m.samples_per_second;
    run.lastEpoch = m.epoch;
    if (!overlay) lastStep_ = m.step;
  }
  for (const EvaluationMetrics& m : update.evaluations) {
    if (m.split != "validation") continue;  // the test split is the end result, not a curve
    const auto x = static_cast<double>(m.step);
    loss_->append(run.validationLoss, x, m.loss);
    quality_->append(run.validationQuality, x, quality_of(m.loss, m.accuracy, m.mae));
    run.lastWall = std::max(run.lastWall, m.wall_seconds);
  }
  if (!overlay) {
    for (const std::string& message : update.problems) Q_EMIT problem(QString::fromStdString(message));
    updateProgress();
  }
}

void TrainingDashboard::setRunState(RunState state, std::int64_t step) {
  state_ = state;
  stateStep_ = step;
  if (state != RunState::Running) poll();  // the last records first
  updateProgress();
}

void TrainingDashboard::updateProgress() {
  if (!run_) return;
  const Run& r = *run_;
  if (!r.plan || r.plan->total_steps <= 0) {
    progressText_->setText(tr("Step %1, %2 elapsed").arg(lastStep_).arg(duration_text(r.lastWall)));
    return;
  }
  const TrainingPlan& p = *r.plan;
  progress_->setMaximum(static_cast<int>(p.total_steps));
  progress_->setValue(static_cast<int>(std::min(lastStep_, p.total_steps)));
  if (state_ != RunState::Running) {  // no time left to estimate: say where it stands
    const std::int64_t step = stateStep_ >= 0 ? stateStep_ : lastStep_;
    const QString where =
        tr("step %1 of %2 · %3 of training").arg(step).arg(p.total_steps).arg(duration_text(r.lastWall));
    const QString what = state_ == RunState::Paused    ? tr("Paused after %1")
                         : state_ == RunState::Stopped ? tr("Stopped at %1 (Run > Resume Stopped Run continues it)")
                         : state_ == RunState::Failed  ? tr("Failed at %1")
                                                       : tr("Finished: %1");
    progressText_->setText(what.arg(where));
    return;
  }
  const std::int64_t done = lastStep_ - p.start_step;
  const double eta =
      done > 0 ? r.lastWall / static_cast<double>(done) * static_cast<double>(p.total_steps - lastStep_) : 0;
  progressText_->setText(tr("Epoch %1 of %2, step %3 of %4 · %5 elapsed · about %6 left · %7 samples/s")
                             .arg(std::max<std::int64_t>(r.lastEpoch, 1))
                             .arg(p.epochs)
                             .arg(lastStep_)
                             .arg(p.total_steps)
                             .arg(duration_text(r.lastWall))
                             .arg(done > 0 ? duration_text(eta) : QStringLiteral("?"))
                             .arg(r.lastSpeed, 0, 'f', 0));
}

QString TrainingDashboard::progressText() const { return progressText_->text(); }

bool TrainingDashboard::exportCharts(const QString& folder) {
  QDir().mkpath(folder);
  const char* names[] = {"loss", "quality", "learning-rate", "throughput"};
  int i = 0;
  for (auto* chart : charts()) {
    const QString base = QDir(folder).filePath(QString::fromLatin1(names[i++]));
    if (!chart->savePng(base + QStringLiteral(".png")) || !chart->savePdf(base + QStringLiteral(".pdf")) ||
        !chart->saveCsv(base + QStringLiteral(".csv")))
      return false;
  }
  return true;
}

}  // namespace cradle
