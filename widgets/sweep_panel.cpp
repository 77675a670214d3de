#include "widgets/sweep_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

#include "core/common/file_io.h"
#include "core/tune/trial_execution.h"
#include "widgets/custom_plot.h"

namespace cradle {
namespace {

QString number_text(const std::optional<double>& value) { return value ? QString::number(*value, 'g', 4) : QString(); }

QString value_text(const Json& value) {
  if (value.is_number_float()) return QString::number(value.get<double>(), 'g', 3);
  return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

// What the sweep's worker hands back: the outcome, or why there is none.
struct SweepJobOutcome {
  SweepOutcome outcome;
  QString error;
};

}  // namespace

SweepPanel::SweepPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("sweepPanel"));
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Sweep file:"), this));
  file_ = new QLineEdit(this);
  file_->setObjectName(QStringLiteral("sweepFile"));
  file_->setPlaceholderText(tr("A sweep file (JSON) naming an experiment and the fields to vary"));
  top->addWidget(file_, 1);
  auto* browse = new QPushButton(tr("Open…"), this);
  top->addWidget(browse);
  run_ = new QPushButton(tr("Run Sweep"), this);
  run_->setObjectName(QStringLiteral("runSweep"));
  run_->setEnabled(false);
  top->addWidget(run_);
  overlay_ = new QPushButton(tr("Curves on the Dashboard"), this);
  overlay_->setToolTip(tr("Show every trial's curves together on the Training tab"));
  overlay_->setEnabled(false);
  top->addWidget(overlay_);
  layout->addLayout(top);
  status_ = new QLabel(tr("Open a sweep file (for example projects/fashion-mnist/sweep.json)."), this);
  status_->setObjectName(QStringLiteral("sweepStatus"));
  status_->setWordWrap(true);
  layout->addWidget(status_);

  auto* split = new QSplitter(this);
  table_ = new QTableWidget(0, 0, split);
  table_->setObjectName(QStringLiteral("sweepTrials"));
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSortingEnabled(true);
  split->addWidget(table_);
  auto* right = new QWidget(split);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  auto* fieldRow = new QHBoxLayout;
  fieldRow->addWidget(new QLabel(tr("Against:"), right));
  field_ = new QComboBox(right);
  field_->setObjectName(QStringLiteral("sweepScatterField"));
  fieldRow->addWidget(field_, 1);
  rightLayout->addLayout(fieldRow);
  scatter_ = new QCustomPlot(right);
  scatter_->setObjectName(QStringLiteral("sweepScatter"));
  scatter_->setMinimumSize(240, 180);
  rightLayout->addWidget(scatter_, 1);
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);

  connect(browse, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Sweep File"), QFileInfo(file_->text()).path(),
                                                      tr("Sweep files (*.json)"));
    if (!file.isEmpty()) openSweep(file);
  });
  connect(file_, &QLineEdit::returnPressed, this, [this] { openSweep(file_->text()); });
  connect(run_, &QPushButton::clicked, this, [this] { running() ? stop() : run(); });
  connect(overlay_, &QPushButton::clicked, this, [this] { Q_EMIT overlayRequested(trialRuns()); });
  connect(field_, &QComboBox::currentIndexChanged, this, [this] { updateScatter(); });
}

SweepPanel::~SweepPanel() { stop(); }

void SweepPanel::setRunsFolder(const QString& runs_folder) { runsFolder_ = runs_folder; }
QString SweepPanel::statusText() const { return status_->text(); }
QString SweepPanel::sweepFolder() const {
  return spec_ ? QDir(runsFolder_).filePath(QString::fromStdString(spec_->name)) : QString();
}

bool SweepPanel::openSweep(const QString& sweep_file) {
  if (running()) return false;
  file_->setText(sweep_file);
  try {
    auto spec = std::make_unique<SweepSpec>(load_sweep_spec(sweep_file.toStdString()));
    std::vector<TrialRecord> trials;
    std::int64_t id = 0;
    for (auto& configuration : sweep_configurations(*spec)) {
      TrialRecord t;
      t.id = ++id;
      t.configuration = std::move(configuration);
      trials.push_back(std::move(t));
    }
    spec_ = std::move(spec);
    sweepFile_ = sweep_file;
    // Trials already run (an earlier start): their state, as the runner will continue from it.
    const QString state = QDir(sweepFolder()).filePath(QStringLiteral("trials.json"));
    if (QFileInfo::exists(state)) {
      const Json saved = Json::parse(read_file(state.toStdString()));
      if (saved.contains("trials") && saved["trials"].size() == trials.size())
        for (std::size_t i = 0; i < trials.size(); ++i) {
          const Json& s = saved["trials"][i];
          trials[i].status = parse_trial_state(s.value("status", std::string("pending"))).value_or(TrialState::Pending);
          trials[i].epochs = s.value("epochs", std::int64_t{0});
          if (s.contains("metric") && s["metric"].is_number()) trials[i].metric = s["metric"].get<double>();
          if (s.contains("test_metric") && s["test_metric"].is_number())
            trials[i].test_metric = s["test_metric"].get<double>();
          trials[i].run = s.value("run", std::string());
        }
    }
    field_->blockSignals(true);
    field_->clear();
    for (const auto& p : spec_->parameters) field_->addItem(QString::fromStdString(p.field));
    field_->blockSignals(false);
    showTrials(trials);
    status_->setText(tr("%1: %2 over %3 field(s), %4 trial(s), judged on %5; trials go to %6")
                         .arg(QString::fromStdString(spec_->name), QString::fromStdString(spec_->method))
                         .arg(field_->count())
                         .arg(trials.size())
                         .arg(QString::fromStdString(spec_->metric), QDir::toNativeSeparators(sweepFolder())));
    run_->setEnabled(true);
    return true;
  } catch (const std::exception& error) {
    spec_.reset();
    run_->setEnabled(false);
    status_->setText(QString::fromStdString(error.what()));
    return false;
  }
}

void SweepPanel::run() {
  if (!spec_ || running()) return;
  SweepSpec spec = *spec_;
  spec.parallel = 1;  // in this process, one trial at a time (LibTorch's threads are per process)
  stop_ = std::make_shared<StopSignal>();
  const auto stop = stop_;
  const std::string file = sweepFile_.toStdString(), out = sweepFolder().toStdString();
  QPointer<SweepPanel> self(this);
  const auto post = [self](const TrialRecord& t) {
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [self, t] {
          if (!self) return;
          auto trials = self->trials_;
          if (t.id >= 1 && static_cast<std::size_t>(t.id) <= trials.size())
            trials[static_cast<std::size_t>(t.id - 1)] = t;
          self->showTrials(trials);
        },
        Qt::QueuedConnection);
  };
  run_->setText(tr("Stop"));
  status_->setText(tr("Running %1…").arg(QString::fromStdString(spec.name)));
  jobs_.start<SweepJobOutcome>(
      this,
      [spec, file, out, stop, post] {
        SweepJobOutcome result;
        try {
          const std::string metric = spec.metric;
          SweepRunner runner(spec, file, out, [metric, stop](const TrialTask& task) {
            return execute_trial_in_process(task, metric, stop.get());
          });
          result.outcome = runner.run(stop.get(), SweepCallbacks{post, post});
        } catch (const std::exception& error) {
          result.error = QString::fromStdString(error.what());
        }
        return result;
      },
      [this](const SweepJobOutcome& result) {
        run_->setText(tr("Run Sweep"));
        if (!result.error.isEmpty()) {
          status_->setText(result.error);
        } else {
          showTrials(result.outcome.trials);
          const auto& o = result.outcome;
          status_->setText(
              o.ranking.empty()
                  ? tr("No trial gave a result.")
                  : tr("%1 trial(s) ranked in %2 s; best: trial %3 (%4). Its experiment: %5")
                        .arg(o.ranking.size())
                        .arg(o.seconds, 0, 'f', 0)
                        .arg(o.trials[o.ranking.front()].id)
                        .arg(QString::fromStdString(o.trials[o.ranking.front()].configuration.describe()))
                        .arg(QDir::toNativeSeparators(QString::fromStdString(o.best_experiment.string()))));
        }
        Q_EMIT finished();
      });
}

void SweepPanel::stop() {
  if (stop_) stop_->request();
}

QStringList SweepPanel::trialRuns() const {
  QStringList runs;
  for (const auto& t : trials_) {
    const QString folder = QDir(sweepFolder()).filePath(QString::fromStdString(t.run));
    if (!t.run.empty() && QFileInfo::exists(QDir(folder).filePath(QStringLiteral("metrics.jsonl")))) runs << folder;
  }
  return runs;
}

void SweepPanel::showTrials(const std::vector<TrialRecord>& trials) {
  trials_ = trials;
  QStringList headers = {tr("Trial"), tr("Status"), tr("Epochs"), QString::fromStdString(spec_ ? spec_->metric : ""),
                         tr("Test")};
  if (spec_)
    for (const auto& p : spec_->parameters) headers << QString::fromStdString(p.field);
  table_->setSortingEnabled(false);
  table_->clear();
  table_->setColumnCount(headers.size());
  table_->setHorizontalHeaderLabels(headers);
  table_->setRowCount(static_cast<int>(trials.size()));
  for (int row = 0; row < static_cast<int>(trials.size()); ++row) {
    const TrialRecord& t = trials[static_cast<std::size_t>(row)];
    const auto cell = [&](int column, const QString& text, double sort_value) {
      auto* item = new QTableWidgetItem(text);
      item->setData(Qt::UserRole, sort_value);
      table_->setItem(row, column, item);
    };
    cell(0, QString::number(t.id), static_cast<double>(t.id));
    cell(1, QString::fromStdString(to_string(t.status)), 0);
    if (!t.error.empty()) table_->item(row, 1)->setToolTip(QString::fromStdString(t.error));
    cell(2, QString::number(t.epochs), static_cast<double>(t.epochs));
    cell(3, number_text(t.metric), t.metric.value_or(NAN));
    cell(4, number_text(t.test_metric), t.test_metric.value_or(NAN));
    for (std::size_t i = 0; i < t.configuration.values.size(); ++i)
      cell(5 + static_cast<int>(i), value_text(t.configuration.values[i].second), 0);
  }
  table_->setSortingEnabled(true);
  table_->resizeColumnsToContents();
  overlay_->setEnabled(!trialRuns().isEmpty());
  updateScatter();
}

void SweepPanel::setScatterField(const QString& field) { field_->setCurrentIndex(field_->findText(field)); }

void SweepPanel::updateScatter() {
  scatter_->clearGraphs();
  if (!spec_ || field_->currentIndex() < 0) {
    scatter_->replot();
    return;
  }
  const auto& parameter = spec_->parameters[static_cast<std::size_t>(field_->currentIndex())];
  QVector<double> xs, ys;
  QSharedPointer<QCPAxisTickerText> labels(new QCPAxisTickerText);
  for (const auto& t : trials_) {
    if (!t.metric) continue;
    const Json& value = t.configuration.values[static_cast<std::size_t>(field_->currentIndex())].second;
    double x = 0;
    if (value.is_number()) {
      x = value.get<double>();
    } else {  // listed values that are not numbers: their position in the list
      for (std::size_t i = 0; i < parameter.values.size(); ++i)
        if (parameter.values[i] == value) x = static_cast<double>(i);
      labels->addTick(x, value_text(value));
    }
    xs << x;
    ys << *t.metric;
  }
  QCPGraph* graph = scatter_->addGraph();
  graph->setLineStyle(QCPGraph::lsNone);
  graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, palette().color(QPalette::Highlight), 8));
  graph->setData(xs, ys);
  const bool logarithmic = parameter.distribution == "log_uniform";
  scatter_->xAxis->setScaleType(logarithmic ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (logarithmic)
    scatter_->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  else if (!labels->ticks().isEmpty())
    scatter_->xAxis->setTicker(labels);
  else
    scatter_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  scatter_->xAxis->setLabel(QString::fromStdString(parameter.field));
  scatter_->yAxis->setLabel(QString::fromStdString(spec_->metric));
  scatter_->rescaleAxes();
  scatter_->xAxis->scaleRange(1.15, scatter_->xAxis->range().center());
  scatter_->yAxis->scaleRange(1.15, scatter_->yAxis->range().center());
  scatter_->replot();
}

}  // namespace cradle
