#include "widgets/evaluation_panel.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

#include "core/eval/evaluation_report.h"
#include "core/eval/evaluation_result.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_index.h"
#include "core/run/run_weights.h"
#include "widgets/confusion_matrix_plot.h"
#include "widgets/custom_plot.h"
#include "widgets/evaluation_charts.h"
#include "widgets/generation_playground.h"
#include "widgets/palette_colors.h"

namespace cradle {
namespace {

enum ChartsPage { kClassificationPage = 0, kRegressionPage = 1, kPlaygroundPage = 2 };
constexpr int kGalleryLimit = 300;  // a cell of thousands shows its most confident samples first

// The outcome of one evaluation job: the result, or why there is none.
struct EvaluationOutcome {
  std::shared_ptr<const EvaluationResult> result, comparison;
  std::shared_ptr<PlaygroundModel> playground;  // language models: the evaluated weights, to play with
  QString error;
  QString report_folder;
};

std::shared_ptr<const EvaluationResult> evaluate_one(const QString& run, const QString& checkpoint,
                                                     const QString& split) {
  EvaluationRequest request;
  request.run_dir = run.toStdString();
  request.checkpoint = checkpoint.toStdString();
  request.split = split.toStdString();
  request.keep_sample_views = true;
  return std::make_shared<const EvaluationResult>(evaluate_run(request));
}

QString number(double value) { return QString::number(value, 'g', 5); }

QCustomPlot* new_chart(QWidget* parent, const QString& name) {
  auto* plot = new QCustomPlot(parent);
  plot->setObjectName(name);
  plot->setMinimumSize(200, 140);
  return plot;
}

}  // namespace

EvaluationPanel::EvaluationPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("evaluationPanel"));
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Run"), this));
  run_ = new QComboBox(this);
  run_->setObjectName(QStringLiteral("evaluationRun"));
  run_->setMinimumContentsLength(24);
  run_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  controls->addWidget(run_, 1);
  auto* browse = new QPushButton(tr("Browse…"), this);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Run Folder to Evaluate"), runsFolder_);
    if (folder.isEmpty()) return;
    if (run_->findData(folder) < 0) run_->addItem(QFileInfo(folder).fileName(), folder);
    run_->setCurrentIndex(run_->findData(folder));
  });
  controls->addWidget(browse);
  controls->addWidget(new QLabel(tr("Checkpoint"), this));
  checkpoint_ = new QComboBox(this);
  checkpoint_->addItem(tr("last"), QStringLiteral("last"));
  checkpoint_->addItem(tr("best"), QStringLiteral("best"));
  controls->addWidget(checkpoint_);
  controls->addWidget(new QLabel(tr("Split"), this));
  split_ = new QComboBox(this);
  split_->addItem(tr("test"), QStringLiteral("test"));
  split_->addItem(tr("validation"), QStringLiteral("validation"));
  split_->addItem(tr("train"), QStringLiteral("train"));
  controls->addWidget(split_);
  layout->addLayout(controls);
  // What to compare with, and the button, on a second row: one row was wider than a 1024-pixel window.
  auto* comparing = new QHBoxLayout;
  comparing->addWidget(new QLabel(tr("Compare with"), this));
  compare_ = new QComboBox(this);
  compare_->setObjectName(QStringLiteral("evaluationCompare"));
  compare_->setMinimumContentsLength(16);
  compare_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  comparing->addWidget(compare_, 1);
  compareCheckpoint_ = new QComboBox(this);
  compareCheckpoint_->setObjectName(QStringLiteral("evaluationCompareCheckpoint"));
  compareCheckpoint_->addItem(tr("last"), QStringLiteral("last"));
  compareCheckpoint_->addItem(tr("best"), QStringLiteral("best"));
  compareCheckpoint_->setToolTip(
      tr("The compared run's checkpoint: the same run's best against its last compares checkpoints"));
  comparing->addWidget(compareCheckpoint_);
  evaluate_ = new QPushButton(tr("Evaluate"), this);
  evaluate_->setObjectName(QStringLiteral("evaluateButton"));
  evaluate_->setDefault(true);
  comparing->addWidget(evaluate_);
  connect(evaluate_, &QPushButton::clicked, this, [this] {
    const QString run = runChoice(run_);
    if (!run.isEmpty())
      evaluate(run, checkpoint_->currentData().toString(), split_->currentData().toString(), runChoice(compare_),
               compareCheckpoint_->currentData().toString());
  });
  layout->addLayout(comparing);

  auto* actions = new QHBoxLayout;
  status_ = new QLabel(tr("Choose a finished run and Evaluate."), this);
  status_->setObjectName(QStringLiteral("evaluationStatus"));
  status_->setWordWrap(true);
  actions->addWidget(status_, 1);
  openReport_ = new QPushButton(tr("Open HTML Report"), this);
  openReport_->setEnabled(false);
  connect(openReport_, &QPushButton::clicked, this, [this] {
    const QString report = QDir(reportFolder_).filePath(QStringLiteral("report.html"));
    if (QDesktopServices::openUrl(QUrl::fromLocalFile(report))) return;
    // No browser could be started (none installed, or no desktop session): say so, and offer the folder.
    status_->setStyleSheet(QStringLiteral("color: %1;").arg(error_color(palette()).name()));
    status_->setText(tr("No browser could be started for %1.").arg(QDir::toNativeSeparators(report)));
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(reportFolder_)))
      status_->setText(status_->text() + QLatin1Char(' ') +
                       tr("Open it from %1.").arg(QDir::toNativeSeparators(reportFolder_)));
  });
  actions->addWidget(openReport_);
  saveCharts_ = new QPushButton(tr("Save Charts…"), this);
  saveCharts_->setEnabled(false);
  connect(saveCharts_, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Save Charts Into"), reportFolder_);
    if (!folder.isEmpty()) status_->setText(tr("Saved %1").arg(saveCharts(folder).join(QStringLiteral(", "))));
  });
  actions->addWidget(saveCharts_);
  layout->addLayout(actions);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  metrics_ = new QTableWidget(0, 2, splitter);
  metrics_->setObjectName(QStringLiteral("evaluationMetrics"));
  metrics_->setHorizontalHeaderLabels({tr("Metric"), tr("Value")});
  metrics_->verticalHeader()->setVisible(false);
  metrics_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  metrics_->horizontalHeader()->setStretchLastSection(true);
  splitter->addWidget(metrics_);

  charts_ = new QStackedWidget(splitter);
  auto* classification = new QWidget(charts_);
  auto* grid = new QVBoxLayout(classification);
  grid->setContentsMargins(0, 0, 0, 0);
  // The matrix, square by nature, on the left; the per-class scores and the
  // gallery stacked on its right. Splitters between them let a user with
  // many classes drag the matrix larger; a new matrix is given the room its
  // cells need where the tab has it (giveMatricesRoom).
  matrixSplitter_ = new QSplitter(Qt::Horizontal, classification);
  matrixSplitter_->setObjectName(QStringLiteral("matrixSplitter"));
  matrixSplitter_->setChildrenCollapsible(false);
  auto* matricesBox = new QWidget(matrixSplitter_);
  auto* matrices = new QHBoxLayout(matricesBox);
  matrices->setContentsMargins(0, 0, 0, 0);
  confusion_ = new ConfusionMatrixPlot(matricesBox);
  confusion_->setObjectName(QStringLiteral("confusionMatrix"));
  compareConfusion_ = new ConfusionMatrixPlot(matricesBox);
  compareConfusion_->setObjectName(QStringLiteral("compareConfusionMatrix"));
  compareConfusion_->hide();
  matrices->addWidget(confusion_);
  matrices->addWidget(compareConfusion_);
  auto* side = new QSplitter(Qt::Vertical, matrixSplitter_);
  side->setChildrenCollapsible(false);
  classScores_ = new_chart(side, QStringLiteral("classScores"));
  classScores_->setMinimumHeight(220);  // the rotated class names take a third of it
  auto* galleryWidget = new QWidget(side);
  auto* galleryBox = new QVBoxLayout(galleryWidget);
  galleryBox->setContentsMargins(0, 0, 0, 0);
  auto* galleryHead = new QHBoxLayout;
  galleryTitle_ = new QLabel(tr("Click a cell of the matrix to see its samples."), galleryWidget);
  galleryTitle_->setWordWrap(true);
  galleryHead->addWidget(galleryTitle_, 1);
  mistakes_ = new QPushButton(tr("Confident Mistakes"), galleryWidget);
  connect(mistakes_, &QPushButton::clicked, this, &EvaluationPanel::showConfidentMistakes);
  galleryHead->addWidget(mistakes_);
  galleryBox->addLayout(galleryHead);
  gallery_ = new QListWidget(galleryWidget);
  gallery_->setObjectName(QStringLiteral("evaluationGallery"));
  gallery_->setViewMode(QListView::IconMode);
  gallery_->setIconSize(QSize(56, 56));
  gallery_->setResizeMode(QListView::Adjust);
  gallery_->setUniformItemSizes(true);
  gallery_->setGridSize(QSize(150, 84));
  gallery_->setWordWrap(true);
  gallery_->setMinimumHeight(100);
  galleryBox->addWidget(gallery_, 1);
  side->addWidget(classScores_);
  side->addWidget(galleryWidget);
  side->setStretchFactor(0, 3);
  side->setStretchFactor(1, 2);
  matrixSplitter_->addWidget(matricesBox);
  matrixSplitter_->addWidget(side);
  matrixSplitter_->setStretchFactor(0, 3);
  matrixSplitter_->setStretchFactor(1, 2);
  grid->addWidget(matrixSplitter_);
  connect(confusion_, &ConfusionMatrixPlot::matrixChanged, this, &EvaluationPanel::giveMatricesRoom);
  connect(compareConfusion_, &ConfusionMatrixPlot::matrixChanged, this, &EvaluationPanel::giveMatricesRoom);
  charts_->addWidget(classification);
  connect(confusion_, &ConfusionMatrixPlot::cellClicked, this, &EvaluationPanel::showCell);

  auto* regression = new QWidget(charts_);
  auto* regressionLayout = new QHBoxLayout(regression);
  regressionLayout->setContentsMargins(0, 0, 0, 0);
  scatter_ = new_chart(regression, QStringLiteral("predictedAgainstTrue"));
  residuals_ = new_chart(regression, QStringLiteral("residualHistogram"));
  regressionLayout->addWidget(scatter_);
  regressionLayout->addWidget(residuals_);
  charts_->addWidget(regression);
  playground_ = new GenerationPlayground(charts_);
  charts_->addWidget(playground_);
  splitter->addWidget(charts_);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 4);
  splitter->setSizes({200, 1000});  // the metrics table gives the charts room; dragged shut, it collapses
  layout->addWidget(splitter, 1);
}

EvaluationPanel::~EvaluationPanel() = default;

void EvaluationPanel::setRunsFolder(const QString& runs_folder) {
  runsFolder_ = runs_folder;
  refreshRuns();
}

void EvaluationPanel::refreshRuns() {
  const QString current = runChoice(run_), compared = runChoice(compare_);
  run_->clear();
  compare_->clear();
  compare_->addItem(tr("(nothing)"), QString());
  // Newest first by start time (a folder's own time changes whenever an evaluation is written into it).
  for (const auto& summary : list_runs(runsFolder_.toStdString())) {
    const QDir run(QString::fromStdString(summary.folder.string()));
    if (!run.exists(QStringLiteral("model/model.pt")) && !run.exists(QStringLiteral("checkpoints/best.pt"))) continue;
    run_->addItem(run.dirName(), run.absolutePath());
    compare_->addItem(run.dirName(), run.absolutePath());
  }
  if (run_->findData(current) >= 0) run_->setCurrentIndex(run_->findData(current));
  if (compare_->findData(compared) >= 0) compare_->setCurrentIndex(compare_->findData(compared));
}

void EvaluationPanel::selectRun(const QString& run) {
  const int index = run_->findData(QFileInfo(run).absoluteFilePath());
  if (index >= 0) run_->setCurrentIndex(index);
}

QString EvaluationPanel::selectedRun() const { return runChoice(run_); }

QString EvaluationPanel::runChoice(QComboBox* box) const { return box->currentData().toString(); }

QString EvaluationPanel::statusText() const { return status_->text(); }
QString EvaluationPanel::galleryTitle() const { return galleryTitle_->text(); }

void EvaluationPanel::evaluate(const QString& run, const QString& checkpoint, const QString& split,
                               const QString& compare_run, const QString& compare_checkpoint) {
  if (run_->findData(run) < 0) run_->addItem(QFileInfo(run).fileName(), run);
  run_->setCurrentIndex(run_->findData(run));
  evaluate_->setEnabled(false);
  status_->setStyleSheet(QString());
  status_->setText(compare_run.isEmpty()
                       ? tr("Evaluating %1 on the %2 split…").arg(QFileInfo(run).fileName(), split)
                       : tr("Evaluating %1 and %2 on the %3 split…")
                             .arg(QFileInfo(run).fileName(), QFileInfo(compare_run).fileName(), split));
  jobs_.start<EvaluationOutcome>(
      this,
      [run, checkpoint, split, compare_run, compare_checkpoint] {
        EvaluationOutcome outcome;
        try {
          outcome.result = evaluate_one(run, checkpoint, split);
          // The same files `cradle-cli eval` writes, so the HTML report can open.
          const auto folder = default_evaluation_dir(*outcome.result);
          write_evaluation_report(*outcome.result, folder);
          outcome.report_folder = QString::fromStdString(folder.string());
          if (!compare_run.isEmpty())
            outcome.comparison =
                evaluate_one(compare_run, compare_checkpoint.isEmpty() ? checkpoint : compare_checkpoint, split);
          if (outcome.result->task == Task::LanguageModel) {
            const auto loaded = load_run_language_model(run.toStdString(), checkpoint.toStdString());
            outcome.playground = std::make_shared<PlaygroundModel>();
            outcome.playground->model = loaded.model;
            outcome.playground->tokenizer = loaded.tokenizer;
            outcome.playground->context_length = loaded.experiment.data.context_length;
            outcome.playground->chat = is_chat_policy(loaded.experiment);
            outcome.playground->spec = loaded.experiment.model;
          }
        } catch (const std::exception& error) {
          outcome.error = QString::fromUtf8(error.what());
        }
        return outcome;
      },
      [this](const EvaluationOutcome& outcome) {
        evaluate_->setEnabled(true);
        if (!outcome.error.isEmpty()) {
          status_->setStyleSheet(QStringLiteral("color: %1").arg(error_color(palette()).name()));
          status_->setText(outcome.error);
          Q_EMIT failed(outcome.error);
          return;
        }
        result_ = outcome.result;
        comparison_ = outcome.comparison;
        reportFolder_ = outcome.report_folder;
        playground_->setModel(outcome.playground);
        showResult();
        Q_EMIT evaluated();
      });
}

void EvaluationPanel::showResult() {
  const EvaluationResult& r = *result_;
  status_->setText(tr("%1 (%2), %3 split, checkpoint %4: %L5 samples in %6 s")
                       .arg(QString::fromStdString(r.experiment), QString::fromStdString(r.model_type),
                            QString::fromStdString(r.split), QString::fromStdString(r.checkpoint))
                       .arg(static_cast<qlonglong>(r.samples))
                       .arg(r.seconds, 0, 'f', 1));
  openReport_->setEnabled(!reportFolder_.isEmpty());
  saveCharts_->setEnabled(true);
  fillMetrics();
  gallery_->clear();
  if (r.classification) {
    charts_->setCurrentIndex(kClassificationPage);
    const bool comparing = comparison_ && comparison_->classification;
    compareConfusion_->setVisible(comparing);
    confusion_->setMatrix(r.classification->confusion, r.class_names,
                          tr("Confusion matrix: %1").arg(QString::fromStdString(r.experiment)));
    if (comparing)
      compareConfusion_->setMatrix(
          comparison_->classification->confusion, comparison_->class_names,
          tr("Compared: %1").arg(QFileInfo(QString::fromStdString(comparison_->run)).fileName()));
    draw_class_scores(classScores_, *r.classification, r.class_names);
    galleryTitle_->setText(tr("Click a cell of the matrix to see its samples."));
    mistakes_->setEnabled(!r.confident_mistakes.empty());
  } else if (r.regression) {
    charts_->setCurrentIndex(kRegressionPage);
    draw_predicted_against_true(scatter_, r.regression_points, QString());
    draw_residual_histogram(residuals_, r.regression_points, QString());
  } else {
    charts_->setCurrentIndex(kPlaygroundPage);  // language models: the metrics, and the model to play with
  }
}

void EvaluationPanel::giveMatricesRoom() {
  const QList<int> sizes = matrixSplitter_->sizes();
  const int total = sizes.value(0) + sizes.value(1);
  if (total <= 0) return;  // not laid out yet: the stretch factors share it out
  int wanted = 0;
  for (const ConfusionMatrixPlot* matrix : {confusion_, compareConfusion_})
    if (!matrix->isHidden())
      wanted += std::max(matrix->comfortableWidth(), matrix->plot()->height());  // no narrower than square
  constexpr int kSideMinimum = 220;  // the per-class chart still reads; a larger matrix scrolls instead
  const int matrixWidth =
      std::clamp(wanted, std::min(total / 2, total - kSideMinimum), std::max(total / 2, total - kSideMinimum));
  matrixSplitter_->setSizes({matrixWidth, total - matrixWidth});
}

void EvaluationPanel::fillMetrics() {
  const bool comparing = comparison_ != nullptr;
  metrics_->setColumnCount(comparing ? 3 : 2);
  if (comparing)
    metrics_->setHorizontalHeaderLabels(
        {tr("Metric"), QFileInfo(QString::fromStdString(result_->run)).fileName(),
         comparison_->run == result_->run
             ? QStringLiteral("%1 (%2)").arg(QFileInfo(QString::fromStdString(comparison_->run)).fileName(),
                                             QString::fromStdString(comparison_->checkpoint))
             : QFileInfo(QString::fromStdString(comparison_->run)).fileName()});
  else
    metrics_->setHorizontalHeaderLabels({tr("Metric"), tr("Value")});
  // Each metric as (name, value of the result, value of the comparison).
  std::vector<std::pair<QString, std::function<std::optional<double>(const EvaluationResult&)>>> rows = {
      {tr("samples"), [](const EvaluationResult& r) { return std::optional<double>(static_cast<double>(r.samples)); }},
      {tr("loss"), [](const EvaluationResult& r) { return std::optional<double>(r.loss); }},
  };
  const auto classification = [](double ClassificationReport::*field) {
    return [field](const EvaluationResult& r) {
      return r.classification ? std::optional<double>((*r.classification).*field) : std::nullopt;
    };
  };
  if (result_->classification) {
    rows.push_back({tr("accuracy"), classification(&ClassificationReport::accuracy)});
    rows.push_back({tr("top-%1 accuracy").arg(result_->classification->top_k),
                    classification(&ClassificationReport::top_k_accuracy)});
    rows.push_back({tr("macro precision"), [](const EvaluationResult& r) {
                      return r.classification ? std::optional<double>(r.classification->macro.precision) : std::nullopt;
                    }});
    rows.push_back({tr("macro recall"), [](const EvaluationResult& r) {
                      return r.classification ? std::optional<double>(r.classification->macro.recall) : std::nullopt;
                    }});
    rows.push_back({tr("macro F1"), [](const EvaluationResult& r) {
                      return r.classification ? std::optional<double>(r.classification->macro.f1) : std::nullopt;
                    }});
    rows.push_back({tr("weighted F1"), [](const EvaluationResult& r) {
                      return r.classification ? std::optional<double>(r.classification->weighted.f1) : std::nullopt;
                    }});
    rows.push_back({tr("ROC-AUC"), [](const EvaluationResult& r) {
                      return r.classification ? r.classification->roc_auc : std::nullopt;
                    }});
    rows.push_back({tr("calibration error (ECE)"), classification(&ClassificationReport::expected_calibration_error)});
  }
  if (result_->regression) {
    const auto regression = [](double RegressionReport::*field) {
      return [field](const EvaluationResult& r) {
        return r.regression ? std::optional<double>((*r.regression).*field) : std::nullopt;
      };
    };
    rows.push_back({tr("MAE"), regression(&RegressionReport::mae)});
    rows.push_back({tr("RMSE"), regression(&RegressionReport::rmse)});
    rows.push_back({tr("R²"), regression(&RegressionReport::r2)});
    rows.push_back({tr("mean residual"), regression(&RegressionReport::mean_residual)});
  }
  if (result_->language_model) {
    const auto lm = [](double LanguageModelReport::*field) {
      return [field](const EvaluationResult& r) {
        return r.language_model ? std::optional<double>((*r.language_model).*field) : std::nullopt;
      };
    };
    rows.push_back({tr("perplexity"), lm(&LanguageModelReport::perplexity)});
    rows.push_back({tr("bits per character"), lm(&LanguageModelReport::bits_per_character)});
    rows.push_back({tr("token accuracy"), lm(&LanguageModelReport::token_accuracy)});
  }
  metrics_->setRowCount(static_cast<int>(rows.size()));
  for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
    const auto& [name, value] = rows[static_cast<std::size_t>(i)];
    metrics_->setItem(i, 0, new QTableWidgetItem(name));
    const auto show = [&](int column, const EvaluationResult& r) {
      const auto v = value(r);
      metrics_->setItem(i, column, new QTableWidgetItem(v ? number(*v) : QStringLiteral("—")));
    };
    show(1, *result_);
    if (comparing) show(2, *comparison_);
  }
  metrics_->resizeColumnsToContents();
  metrics_->setMinimumWidth(std::min(420, metrics_->horizontalHeader()->length() + 8));
}

void EvaluationPanel::showCell(int truth, int predicted) {
  gallery_->clear();
  if (!result_ || !result_->classification) return;
  const EvaluationResult& r = *result_;
  std::vector<const Prediction*> chosen;
  for (const auto& p : r.predictions)
    if (p.label == truth && p.predicted == predicted) chosen.push_back(&p);
  std::stable_sort(chosen.begin(), chosen.end(),
                   [](const Prediction* a, const Prediction* b) { return a->probability > b->probability; });
  const auto name = [&](std::int64_t c) {
    return QString::fromStdString(r.class_names.at(static_cast<std::size_t>(c)));
  };
  galleryTitle_->setText(truth == predicted
                             ? tr("%1 right: %L2 samples").arg(name(truth)).arg(chosen.size())
                             : tr("%1 taken for %2: %L3 samples").arg(name(truth), name(predicted)).arg(chosen.size()));
  const bool images = !r.sample_views.empty() && r.sample_views.front().rfind("\x89PNG", 0) == 0;
  gallery_->setViewMode(images ? QListView::IconMode : QListView::ListMode);
  for (std::size_t i = 0; i < chosen.size() && i < static_cast<std::size_t>(kGalleryLimit); ++i) {
    const Prediction& p = *chosen[i];
    const QString probability = QStringLiteral("%1%").arg(100 * p.probability, 0, 'f', 1);
    auto* item = new QListWidgetItem(gallery_);
    item->setData(Qt::UserRole, static_cast<qlonglong>(p.index));
    const QString view = p.index < static_cast<std::int64_t>(r.sample_views.size())
                             ? QString::fromStdString(r.sample_views[static_cast<std::size_t>(p.index)])
                             : QString();
    if (images) {
      QPixmap pixmap;
      const auto& bytes = r.sample_views[static_cast<std::size_t>(p.index)];
      pixmap.loadFromData(reinterpret_cast<const uchar*>(bytes.data()), static_cast<uint>(bytes.size()), "PNG");
      item->setIcon(QIcon(pixmap.scaled(gallery_->iconSize(), Qt::KeepAspectRatio, Qt::FastTransformation)));
      item->setText(probability);
    } else {
      item->setText(QStringLiteral("%1  %2").arg(probability, view.left(160)));
    }
    item->setToolTip(tr("sample %1: true %2, predicted %3 with %4 (true class %5%)")
                         .arg(p.index)
                         .arg(name(p.label), name(p.predicted), probability)
                         .arg(100 * p.label_probability, 0, 'f', 1));
  }
}

void EvaluationPanel::showConfidentMistakes() {
  gallery_->clear();
  if (!result_) return;
  const EvaluationResult& r = *result_;
  galleryTitle_->setText(tr("The %1 most confident mistakes").arg(r.confident_mistakes.size()));
  const auto name = [&](std::int64_t c) {
    return QString::fromStdString(r.class_names.at(static_cast<std::size_t>(c)));
  };
  for (const auto& s : r.confident_mistakes) {
    auto* item = new QListWidgetItem(gallery_);
    const auto& p = s.prediction;
    item->setData(Qt::UserRole, static_cast<qlonglong>(p.index));
    const QString label = tr("%1 as %2, %3%").arg(name(p.label), name(p.predicted)).arg(100 * p.probability, 0, 'f', 0);
    if (!s.png.empty()) {
      QPixmap pixmap;
      pixmap.loadFromData(reinterpret_cast<const uchar*>(s.png.data()), static_cast<uint>(s.png.size()), "PNG");
      item->setIcon(QIcon(pixmap.scaled(gallery_->iconSize(), Qt::KeepAspectRatio, Qt::FastTransformation)));
      item->setText(label);
    } else {
      item->setText(label + QStringLiteral(": ") + QString::fromStdString(s.text).left(160));
    }
    item->setToolTip(label);
  }
  gallery_->setViewMode(!r.confident_mistakes.empty() && !r.confident_mistakes.front().png.empty()
                            ? QListView::IconMode
                            : QListView::ListMode);
}

QStringList EvaluationPanel::saveCharts(const QString& folder) {
  QStringList written;
  QDir().mkpath(folder);
  const auto save = [&](QCustomPlot* plot, const QString& name) {
    const QString file = QDir(folder).filePath(name);
    if (plot->savePng(file, 0, 0, 2.0)) written << file;
  };
  if (!result_) return written;
  if (result_->classification) {
    save(confusion_->plot(), QStringLiteral("confusion-matrix.png"));
    if (compareConfusion_->isVisible())
      save(compareConfusion_->plot(), QStringLiteral("confusion-matrix-compared.png"));
    save(classScores_, QStringLiteral("class-scores.png"));
  } else if (result_->regression) {
    save(scatter_, QStringLiteral("predicted-against-true.png"));
    save(residuals_, QStringLiteral("residuals.png"));
  }
  return written;
}

}  // namespace cradle
