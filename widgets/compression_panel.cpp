#include "widgets/compression_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/run/pruning_experiment.h"
#include "core/run/run_quantization.h"
#include "widgets/custom_plot.h"
#include "widgets/palette_colors.h"

namespace cradle {
namespace {

Json read_report(const QString& run) {
  try {
    return Json::parse(read_file(QDir(run).filePath(QStringLiteral("report.json")).toStdString()));
  } catch (const std::exception&) {
    return Json::object();  // unfinished or unreadable: left out
  }
}

std::optional<double> test_accuracy(const Json& report) {
  if (report.contains("metrics") && report["metrics"].contains("test") &&
      report["metrics"]["test"].contains("accuracy"))
    return report["metrics"]["test"]["accuracy"].get<double>();
  return std::nullopt;
}

// One row of the comparison: a run and its footprint.
struct Variant {
  QString run, how;
  std::optional<double> accuracy;
  double bytes = 0, nonzero = 0, latency_ms = 0;
};

Variant footprint_variant(const QString& run, const QString& how, const Json& footprint) {
  Variant v{run, how, std::nullopt, 0, 0, 0};
  if (footprint.contains("test_accuracy")) v.accuracy = footprint["test_accuracy"].get<double>();
  v.bytes = footprint.value("compressed_bytes", 0.0);
  v.nonzero = footprint.value("nonzero_parameters", 0.0);
  if (footprint.contains("latency_ms_per_sample"))
    v.latency_ms = footprint["latency_ms_per_sample"].value("batch_1", 0.0);
  return v;
}

}  // namespace

CompressionPanel::CompressionPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("compressionPanel"));
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Run to compress"), this));
  run_ = new QComboBox(this);
  run_->setMinimumContentsLength(28);
  run_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  top->addWidget(run_, 1);
  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  connect(refreshButton, &QPushButton::clicked, this, &CompressionPanel::refresh);
  top->addWidget(refreshButton);
  layout->addLayout(top);

  auto* actions = new QHBoxLayout;
  auto* pruneBox = new QGroupBox(tr("Prune"), this);
  auto* pruneLayout = new QVBoxLayout(pruneBox);
  method_ = new QComboBox(pruneBox);
  method_->addItem(tr("Unstructured: the smallest weights"), QStringLiteral("magnitude"));
  method_->addItem(tr("Structured: whole channels and neurons"), QStringLiteral("channels"));
  pruneLayout->addWidget(method_);
  auto* sliderRow = new QHBoxLayout;
  sparsity_ = new QSlider(Qt::Horizontal, pruneBox);
  sparsity_->setRange(10, 95);
  sparsity_->setValue(80);
  sparsityLabel_ = new QLabel(pruneBox);
  sliderRow->addWidget(new QLabel(tr("Target sparsity"), pruneBox));
  sliderRow->addWidget(sparsity_, 1);
  sliderRow->addWidget(sparsityLabel_);
  pruneLayout->addLayout(sliderRow);
  const auto show_sparsity = [this](int value) { sparsityLabel_->setText(QStringLiteral("%1%").arg(value)); };
  connect(sparsity_, &QSlider::valueChanged, this, show_sparsity);
  show_sparsity(sparsity_->value());
  connect(method_, &QComboBox::currentIndexChanged, this, [this] {
    sparsity_->setValue(method_->currentData().toString() == QLatin1String("channels") ? 35
                                                                                       : 80);  // each method's default
  });
  auto* pruneButton = new QPushButton(tr("Prune and Fine-Tune"), pruneBox);
  pruneButton->setObjectName(QStringLiteral("pruneButton"));
  connect(pruneButton, &QPushButton::clicked, this,
          [this] { prune(selectedRun(), method_->currentData().toString(), sparsity_->value() / 100.0); });
  pruneLayout->addWidget(pruneButton);
  actions->addWidget(pruneBox, 1);

  auto* quantiseBox = new QGroupBox(tr("Quantise"), this);
  auto* quantiseLayout = new QVBoxLayout(quantiseBox);
  auto* quantiseText = new QLabel(
      tr("int8 weights with a scale per output channel; int8 arithmetic for the linear layers. No training."),
      quantiseBox);
  quantiseText->setWordWrap(true);
  quantiseLayout->addWidget(quantiseText);
  quantise_ = new QPushButton(tr("Quantise to int8"), quantiseBox);
  quantise_->setObjectName(QStringLiteral("quantiseButton"));
  connect(quantise_, &QPushButton::clicked, this, [this] { quantise(selectedRun()); });
  quantiseLayout->addWidget(quantise_);
  quantiseLayout->addStretch(1);
  actions->addWidget(quantiseBox, 1);

  auto* distilBox = new QGroupBox(tr("Distil"), this);
  auto* distilLayout = new QVBoxLayout(distilBox);
  auto* distilText =
      new QLabel(tr("The run teaches a student experiment (a smaller model on the same data):"), distilBox);
  distilText->setWordWrap(true);
  distilLayout->addWidget(distilText);
  auto* studentRow = new QHBoxLayout;
  student_ = new QLineEdit(distilBox);
  student_->setPlaceholderText(tr("student experiment.json"));
  auto* browse = new QPushButton(tr("Browse…"), distilBox);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Student Experiment"), QString(), tr("Experiments (*.json)"));
    if (!file.isEmpty()) student_->setText(file);
  });
  studentRow->addWidget(student_, 1);
  studentRow->addWidget(browse);
  distilLayout->addLayout(studentRow);
  auto* distilButton = new QPushButton(tr("Distil"), distilBox);
  connect(distilButton, &QPushButton::clicked, this, [this] { distil(selectedRun(), student_->text()); });
  distilLayout->addWidget(distilButton);
  actions->addWidget(distilBox, 1);
  layout->addLayout(actions);

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("compressionStatus"));
  status_->setWordWrap(true);
  layout->addWidget(status_);

  auto* results = new QHBoxLayout;
  table_ = new QTableWidget(0, 6, this);
  table_->setObjectName(QStringLiteral("compressionVariants"));
  table_->setHorizontalHeaderLabels({tr("Run"), tr("How"), tr("Test accuracy"), tr("Size (KB, zipped)"),
                                     tr("Non-zero parameters"), tr("Latency (ms/sample)")});
  table_->verticalHeader()->setVisible(false);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setStretchLastSection(true);
  results->addWidget(table_, 3);
  auto* chartColumn = new QVBoxLayout;
  axis_ = new QComboBox(this);
  axis_->setObjectName(QStringLiteral("compressionAxis"));
  axis_->addItem(tr("Accuracy against size"), QStringLiteral("size"));
  axis_->addItem(tr("Accuracy against latency"), QStringLiteral("latency"));
  connect(axis_, &QComboBox::currentIndexChanged, this, &CompressionPanel::fillVariants);
  chartColumn->addWidget(axis_);
  chart_ = new QCustomPlot(this);
  chart_->setObjectName(QStringLiteral("compressionTradeOff"));
  chart_->setMinimumSize(200, 140);
  chart_->yAxis->setLabel(tr("test accuracy"));
  chartColumn->addWidget(chart_, 1);
  results->addLayout(chartColumn, 2);
  layout->addLayout(results, 1);
  connect(run_, &QComboBox::currentIndexChanged, this, &CompressionPanel::fillVariants);
}

void CompressionPanel::setFolders(const QString& runs_folder, const QString& stages_folder) {
  runsFolder_ = runs_folder;
  stagesFolder_ = stages_folder;
  refresh();
}

void CompressionPanel::refresh() {
  const QString current = selectedRun();
  run_->blockSignals(true);
  run_->clear();
  for (const auto& info : QDir(runsFolder_).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time)) {
    const Json report = read_report(info.absoluteFilePath());
    // Originals only: a run that is itself a compressed variant shows under its source.
    if (report.value("status", "") != "completed" || report.contains("compression")) continue;
    run_->addItem(info.fileName(), info.absoluteFilePath());
  }
  if (!current.isEmpty() && run_->findData(current) < 0) run_->addItem(QFileInfo(current).fileName(), current);
  if (run_->findData(current) >= 0) run_->setCurrentIndex(run_->findData(current));
  run_->blockSignals(false);
  fillVariants();
}

void CompressionPanel::selectRun(const QString& run) {
  if (run_->findData(run) < 0) run_->addItem(QFileInfo(run).fileName(), run);
  run_->setCurrentIndex(run_->findData(run));
  fillVariants();
}

void CompressionPanel::setChartAxis(const QString& axis) { axis_->setCurrentIndex(std::max(0, axis_->findData(axis))); }

QString CompressionPanel::selectedRun() const { return run_->currentData().toString(); }
QString CompressionPanel::statusText() const { return status_->text(); }

void CompressionPanel::fail(const QString& message) {
  status_->setStyleSheet(QStringLiteral("color: %1").arg(error_color(palette()).name()));
  status_->setText(message);
}

QString CompressionPanel::writeStage(const std::function<Experiment()>& make, const QString& suffix) {
  status_->setStyleSheet(QString());
  try {
    const Experiment experiment = make();
    QDir().mkpath(stagesFolder_);
    const QString file =
        QDir(stagesFolder_).filePath(QString::fromStdString(experiment.name) + suffix + QStringLiteral(".json"));
    write_text_atomically(file.toStdString(), serialize_experiment(with_absolute_paths(experiment)));
    status_->setText(tr("Wrote %1; training it (the Training tab follows it).").arg(file));
    Q_EMIT trainRequested(file);
    return file;
  } catch (const std::exception& error) {
    fail(QString::fromUtf8(error.what()));
    return {};
  }
}

QString CompressionPanel::prune(const QString& run, const QString& method, double sparsity) {
  if (run.isEmpty()) return {};
  return writeStage(
      [&] {
        PruningStageRequest request;
        request.run_dir = run.toStdString();
        request.method = method.toStdString();
        request.sparsity = sparsity;
        return pruning_stage_experiment(request);
      },
      QString());
}

QString CompressionPanel::distil(const QString& teacher_run, const QString& student_experiment) {
  if (teacher_run.isEmpty()) return {};
  if (student_experiment.isEmpty()) {
    fail(tr("Choose the student's experiment file first."));
    return {};
  }
  const std::string teacher = std::filesystem::absolute(teacher_run.toStdString()).lexically_normal().string();
  return writeStage(
      [&] {
        return load_experiment(student_experiment.toStdString(), {"stage=distill", "compress.teacher=" + teacher});
      },
      QStringLiteral("-distilled"));
}

void CompressionPanel::quantise(const QString& run) {
  if (run.isEmpty()) return;
  quantise_->setEnabled(false);
  status_->setStyleSheet(QString());
  status_->setText(tr("Quantising %1…").arg(QFileInfo(run).fileName()));
  jobs_.start<QString>(
      this,
      [run]() -> QString {
        try {
          quantize_run({run.toStdString(), {}, "auto"});
          return {};
        } catch (const std::exception& error) {
          return QString::fromUtf8(error.what());
        }
      },
      [this, run](const QString& error) {
        quantise_->setEnabled(true);
        if (!error.isEmpty()) {
          fail(error);
          return;
        }
        status_->setText(tr("Quantised %1 into %1-int8.").arg(QFileInfo(run).fileName()));
        fillVariants();
        Q_EMIT variantsChanged();
      });
}

void CompressionPanel::fillVariants() {
  table_->setRowCount(0);
  chart_->clearPlottables();
  chart_->clearItems();
  const QString original = selectedRun();
  if (original.isEmpty()) {
    chart_->replot();
    return;
  }
  const QString normal = QDir::cleanPath(QFileInfo(original).absoluteFilePath());
  std::vector<Variant> variants;
  std::optional<Variant> first;
  for (const auto& info :
       QDir(QFileInfo(original).absolutePath()).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
    const Json report = read_report(info.absoluteFilePath());
    if (!report.contains("compression")) continue;
    const std::string source = report.contains("teacher") ? report.value("teacher", "") : report.value("init_from", "");
    if (QDir::cleanPath(QString::fromStdString(source)) != normal) continue;
    QString how = QString::fromStdString(report.value("stage", ""));
    if (report.contains("pruning") && report["pruning"].is_object() && report["pruning"].contains("sparsity"))
      how += tr(" to %1% sparsity").arg(100 * report["pruning"]["sparsity"].get<double>(), 0, 'f', 0);
    variants.push_back(footprint_variant(info.absoluteFilePath(), how, report["compression"]["compressed"]));
    if (!first) first = footprint_variant(original, tr("original"), report["compression"]["original"]);
  }
  // The original's footprint as its variants measured it; without variants, what its report says.
  Variant base = first ? *first : Variant{original, tr("original"), test_accuracy(read_report(original)), 0, 0, 0};
  variants.insert(variants.begin(), base);
  const bool latency = axis_->currentData().toString() == QLatin1String("latency");
  chart_->xAxis->setLabel(latency ? tr("latency (ms per sample, batch 1)") : tr("size (KB, zipped)"));
  QVector<double> sizes, accuracies;  // x (size or latency) and y of each variant
  for (const auto& v : variants) {
    const int row = table_->rowCount();
    table_->insertRow(row);
    table_->setItem(row, 0, new QTableWidgetItem(QFileInfo(v.run).fileName()));
    table_->setItem(row, 1, new QTableWidgetItem(v.how));
    table_->setItem(row, 2,
                    new QTableWidgetItem(v.accuracy ? QString::number(*v.accuracy, 'f', 4) : QStringLiteral("—")));
    table_->setItem(
        row, 3, new QTableWidgetItem(v.bytes > 0 ? QString::number(v.bytes / 1024.0, 'f', 1) : QStringLiteral("—")));
    table_->setItem(
        row, 4,
        new QTableWidgetItem(v.nonzero > 0 ? QString::number(static_cast<qlonglong>(v.nonzero)) : QStringLiteral("—")));
    table_->setItem(
        row, 5, new QTableWidgetItem(v.latency_ms > 0 ? QString::number(v.latency_ms, 'f', 3) : QStringLiteral("—")));
    const double x = latency ? v.latency_ms : v.bytes / 1024.0;
    if (v.accuracy && x > 0) {
      sizes << x;
      accuracies << *v.accuracy;
      auto* label = new QCPItemText(chart_);
      label->position->setCoords(x, *v.accuracy);
      // Alternately above and below its point, so close points keep readable names.
      label->setPositionAlignment(Qt::AlignLeft | (sizes.size() % 2 ? Qt::AlignTop : Qt::AlignBottom));
      label->setText(QStringLiteral(" ") + QFileInfo(v.run).fileName());
    }
  }
  table_->resizeColumnsToContents();
  auto* points = chart_->addGraph();
  points->setLineStyle(QCPGraph::lsNone);
  points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x1f, 0x77, 0xb4), 9));
  points->setData(sizes, accuracies);
  // Size from 0, with room on the right for the labels; accuracy around the points, never a zero span.
  double largest = 0, low = 1, high = 0;
  for (int i = 0; i < sizes.size(); ++i) {
    largest = std::max(largest, sizes[i]);
    low = std::min(low, accuracies[i]);
    high = std::max(high, accuracies[i]);
  }
  if (sizes.isEmpty()) low = 0, high = 1;
  const double pad = std::max(0.02, (high - low) * 0.25);
  chart_->xAxis->setRange(0, largest > 0 ? largest * 1.45 : 1);
  chart_->yAxis->setRange(std::max(0.0, low - pad), std::min(1.02, high + pad));
  chart_->replot();
}

}  // namespace cradle
