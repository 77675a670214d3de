#include "widgets/wizard_sweep_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/experiment/experiment_templates.h"
#include "core/experiment/overrides.h"
#include "core/tune/sweep_configurations.h"
#include "core/tune/sweep_spec.h"
#include "widgets/experiment_document.h"
#include "widgets/palette_colors.h"

namespace cradle {

namespace {

enum Column { FieldColumn, DistributionColumn, RangeColumn };

// Fields worth varying, offered in each row's editable list (any --set name may be typed).
const char* const kCommonFields[] = {"train.lr",        "train.weight_decay",    "train.batch_size",
                                     "train.momentum",  "train.label_smoothing", "model.dropout",
                                     "train.optimizer", "train.epochs"};
const char* const kDistributions[] = {"log_uniform", "uniform", "int_uniform", "values"};

// "1e-4, 1e-2" or "adam, adamw" as JSON values; text that is not JSON stays a string.
Json json_items(const QString& text) {
  Json items = Json::array();
  for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    const std::string item = part.trimmed().toStdString();
    try {
      items.push_back(Json::parse(item));
    } catch (const Json::exception&) {
      items.push_back(item);
    }
  }
  return items;
}

QString range_text(const Json& items) {
  QStringList parts;
  for (const auto& item : items)
    parts << QString::fromStdString(item.is_string() ? item.get<std::string>() : item.dump());
  return parts.join(QStringLiteral(", "));
}

QString cell_text(QTableWidget* table, int row, int column) {
  QWidget* widget = table->cellWidget(row, column);
  if (auto* box = qobject_cast<QComboBox*>(widget)) return box->currentText().trimmed();
  if (auto* line = qobject_cast<QLineEdit*>(widget)) return line->text().trimmed();
  return {};
}

}  // namespace

SweepPage::SweepPage(ExperimentDocument* document, QWidget* parent) : QWizardPage(parent), document_(document) {
  setTitle(tr("Sweep"));
  setSubTitle(
      tr("Optionally, try several settings: each trial is this experiment with the fields below changed, "
         "trained as a normal run and ranked by the metric. The sweep is saved beside the experiment."));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  auto* layout = new QVBoxLayout(this);
  enabled_ = new QCheckBox(tr("Write a sweep over this experiment's settings"), this);
  enabled_->setObjectName(QStringLiteral("sweepEnabled"));
  layout->addWidget(enabled_);

  settings_ = new QWidget(this);
  auto* splitter = new QSplitter(settings_);
  splitter->setChildrenCollapsible(false);
  auto* left = new QWidget(splitter);
  auto* form = new QFormLayout(left);
  method_ = new QComboBox(left);
  method_->setObjectName(QStringLiteral("sweepMethod"));
  method_->addItem(tr("random draws"), QStringLiteral("random"));
  method_->addItem(tr("grid of listed values"), QStringLiteral("grid"));
  method_->addItem(tr("successive halving (weak trials stop early)"), QStringLiteral("halving"));
  method_->setToolTip(
      tr("Random draws from the ranges; every combination of listed values; or random draws "
         "trained a few epochs, the best third going on with three times the epochs."));
  form->addRow(tr("Method:"), method_);
  metric_ = new QComboBox(left);
  metric_->setObjectName(QStringLiteral("sweepMetric"));
  metric_->setToolTip(tr("What ranks the trials: measured on the validation split."));
  form->addRow(tr("Metric:"), metric_);
  trials_ = new QSpinBox(left);
  trials_->setObjectName(QStringLiteral("sweepTrials"));
  trials_->setRange(0, 10000);
  trials_->setValue(8);
  trials_->setToolTip(tr("Configurations to train (grid: at most this many, 0 for all)."));
  form->addRow(tr("Trials:"), trials_);
  epochs_ = new QSpinBox(left);
  epochs_->setObjectName(QStringLiteral("sweepEpochs"));
  epochs_->setRange(0, 100000);
  epochs_->setSpecialValueText(tr("the experiment's"));
  epochs_->setToolTip(tr("Epochs each trial trains (fewer than the experiment's makes a sweep affordable)."));
  form->addRow(tr("Epochs per trial:"), epochs_);
  parallel_ = new QSpinBox(left);
  parallel_->setRange(1, 64);
  parallel_->setToolTip(tr("Trials trained at once by cradle-cli sweep, the cores divided between them."));
  form->addRow(tr("Trials at once:"), parallel_);
  minutes_ = new QDoubleSpinBox(left);
  minutes_->setRange(0, 1e6);
  minutes_->setDecimals(1);
  minutes_->setSpecialValueText(tr("no limit"));
  minutes_->setToolTip(tr("No trial starts after this many minutes."));
  form->addRow(tr("Time budget (minutes):"), minutes_);
  seed_ = new QSpinBox(left);
  seed_->setRange(0, 1 << 30);
  seed_->setValue(1);
  seed_->setToolTip(tr("Seed of the random draws: the same seed draws the same trials."));
  form->addRow(tr("Seed:"), seed_);

  table_ = new QTableWidget(0, 3, left);
  table_->setObjectName(QStringLiteral("sweepParameters"));
  table_->setHorizontalHeaderLabels({tr("Field"), tr("Distribution"), tr("From, to / values")});
  table_->horizontalHeader()->setSectionResizeMode(FieldColumn, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(DistributionColumn, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  table_->setToolTip(
      tr("Fields as cradle-cli --set names them. Ranges: \"from, to\"; values: a comma-separated list."));
  form->addRow(new QLabel(tr("Fields to vary:"), left));
  form->addRow(table_);
  auto* buttons = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add Field"), left);
  auto* remove = new QPushButton(tr("Remove Field"), left);
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch(1);
  form->addRow(buttons);

  auto* right = new QWidget(splitter);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  verdict_ = new QLabel(right);
  verdict_->setObjectName(QStringLiteral("sweepVerdict"));
  verdict_->setWordWrap(true);
  verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  rightLayout->addWidget(verdict_);
  preview_ = new QPlainTextEdit(right);
  preview_->setObjectName(QStringLiteral("sweepPreview"));
  preview_->setReadOnly(true);
  preview_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  rightLayout->addWidget(preview_, 1);
  splitter->addWidget(left);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  auto* settingsLayout = new QHBoxLayout(settings_);
  settingsLayout->setContentsMargins(0, 0, 0, 0);
  settingsLayout->addWidget(splitter);
  layout->addWidget(settings_, 1);

  connect(enabled_, &QCheckBox::toggled, this, [this](bool on) { setSweepEnabled(on); });
  connect(add, &QPushButton::clicked, this,
          [this] { addParameter(QString(), QStringLiteral("log_uniform"), QString()); });
  connect(remove, &QPushButton::clicked, this, [this] {
    if (table_->rowCount() == 0) return;
    table_->removeRow(table_->currentRow() >= 0 ? table_->currentRow() : table_->rowCount() - 1);
    refresh();
  });
  for (QComboBox* box : {method_, metric_})
    connect(box, QOverload<int>::of(&QComboBox::currentIndexChanged), this, &SweepPage::refresh);
  for (QSpinBox* box : {trials_, epochs_, parallel_, seed_})
    connect(box, QOverload<int>::of(&QSpinBox::valueChanged), this, &SweepPage::refresh);
  connect(minutes_, QOverload<double>::of(&QDoubleSpinBox::valueChanged), this, &SweepPage::refresh);
  connect(document_, &ExperimentDocument::changed, this, [this] {
    updateMetrics();
    refresh();
  });
  updateMetrics();
  clear();
}

bool SweepPage::sweepEnabled() const { return enabled_->isChecked(); }

void SweepPage::setSweepEnabled(bool on) {
  if (enabled_->isChecked() != on) {
    enabled_->setChecked(on);  // toggled() comes back here
    return;
  }
  if (on && table_->rowCount() == 0) {
    const double lr = document_->json().value("train", Json::object()).value("lr", 1e-3);
    addParameter(QStringLiteral("train.lr"), QStringLiteral("log_uniform"),
                 QStringLiteral("%1, %2").arg(lr / 10, 0, 'g', 3).arg(lr * 10, 0, 'g', 3));
    addParameter(QStringLiteral("train.weight_decay"), QStringLiteral("log_uniform"), QStringLiteral("1e-06, 0.001"));
  }
  settings_->setEnabled(on);
  refresh();
}

void SweepPage::setExperimentFileName(const QString& name) {
  experimentFile_ = name.isEmpty() ? QStringLiteral("experiment.json") : name;
  refresh();
}

void SweepPage::clear() {
  updating_ = true;
  table_->setRowCount(0);
  method_->setCurrentIndex(0);
  trials_->setValue(8);
  epochs_->setValue(0);
  parallel_->setValue(1);
  minutes_->setValue(0);
  seed_->setValue(1);
  updating_ = false;
  enabled_->setChecked(false);
  settings_->setEnabled(false);
  refresh();
}

bool SweepPage::loadSweep(const QString& sweep_file) {
  SweepSpec spec;
  try {
    spec = load_sweep_spec(sweep_file.toStdString());
  } catch (const Error&) {
    return false;
  }
  updating_ = true;
  table_->setRowCount(0);
  method_->setCurrentIndex(method_->findData(QString::fromStdString(spec.method)));
  const int metric = metric_->findData(QString::fromStdString(spec.metric));
  if (metric >= 0) metric_->setCurrentIndex(metric);
  trials_->setValue(static_cast<int>(spec.trials));
  parallel_->setValue(static_cast<int>(spec.parallel));
  minutes_->setValue(spec.max_minutes);
  seed_->setValue(static_cast<int>(spec.seed));
  epochs_->setValue(0);
  for (const auto& assignment : spec.set)
    if (assignment.rfind("train.epochs=", 0) == 0) epochs_->setValue(std::atoi(assignment.c_str() + 13));
  for (const auto& p : spec.parameters)
    addParameter(QString::fromStdString(p.field), QString::fromStdString(p.distribution),
                 p.distribution == "values" ? range_text(Json(p.values)) : range_text(Json::array({p.min, p.max})));
  updating_ = false;
  enabled_->setChecked(true);
  settings_->setEnabled(true);
  refresh();
  return true;
}

void SweepPage::addParameter(const QString& field, const QString& distribution, const QString& range) {
  const int row = table_->rowCount();
  table_->insertRow(row);
  auto* fieldBox = new QComboBox(table_);
  fieldBox->setEditable(true);
  for (const char* common : kCommonFields) fieldBox->addItem(QString::fromLatin1(common));
  fieldBox->setEditText(field);
  connect(fieldBox, &QComboBox::currentTextChanged, this, &SweepPage::refresh);
  table_->setCellWidget(row, FieldColumn, fieldBox);
  table_->setCellWidget(row, DistributionColumn, distributionBox(distribution));
  auto* rangeEdit = new QLineEdit(range, table_);
  rangeEdit->setPlaceholderText(tr("from, to"));
  connect(rangeEdit, &QLineEdit::textChanged, this, &SweepPage::refresh);
  table_->setCellWidget(row, RangeColumn, rangeEdit);
  refresh();
}

QWidget* SweepPage::distributionBox(const QString& distribution) {
  auto* box = new QComboBox(table_);
  for (const char* d : kDistributions) box->addItem(QString::fromLatin1(d));
  box->setCurrentText(distribution);
  connect(box, &QComboBox::currentTextChanged, this, &SweepPage::refresh);
  return box;
}

void SweepPage::updateMetrics() {
  const Task task = task_kind_of(document_->json()).task;
  QStringList metrics = {QStringLiteral("validation_loss")};
  if (task == Task::Regression)
    metrics << QStringLiteral("validation_mae") << QStringLiteral("validation_rmse") << QStringLiteral("validation_r2");
  else
    metrics << QStringLiteral("validation_accuracy");
  QStringList current;
  for (int i = 0; i < metric_->count(); ++i) current << metric_->itemData(i).toString();
  if (current == metrics) return;
  const QString chosen = metric_->currentData().toString();
  const QSignalBlocker block(metric_);
  metric_->clear();
  for (const QString& m : metrics) metric_->addItem(m, m);
  // Classifiers are usually ranked by accuracy; the loss otherwise.
  const QString preferred = metrics.contains(chosen)       ? chosen
                            : task == Task::Classification ? QStringLiteral("validation_accuracy")
                                                           : QStringLiteral("validation_loss");
  metric_->setCurrentIndex(metric_->findData(preferred));
}

Json SweepPage::sweepJson() const {
  const std::string name = document_->json().value("name", std::string("experiment"));
  Json sweep = {{"format_version", 1},
                {"name", name + "-sweep"},
                {"experiment", experimentFile_.toStdString()},
                {"method", method_->currentData().toString().toStdString()},
                {"metric", metric_->currentData().toString().toStdString()},
                {"trials", trials_->value()}};
  if (parallel_->value() > 1) sweep["parallel"] = parallel_->value();
  if (minutes_->value() > 0) sweep["max_minutes"] = minutes_->value();
  sweep["seed"] = seed_->value();
  Json parameters = Json::object();
  for (int row = 0; row < table_->rowCount(); ++row) {
    const std::string field = cell_text(table_, row, FieldColumn).toStdString();
    if (field.empty()) continue;
    const std::string distribution = cell_text(table_, row, DistributionColumn).toStdString();
    parameters[field] = Json{{distribution, json_items(cell_text(table_, row, RangeColumn))}};
  }
  sweep["parameters"] = parameters;
  Json set = Json::array();
  if (epochs_->value() > 0) set.push_back("train.epochs=" + std::to_string(epochs_->value()));
  sweep["set"] = set;
  return sweep;
}

QString SweepPage::sweepText() const { return QString::fromStdString(sweepJson().dump(2) + "\n"); }

QString SweepPage::check() const {
  const std::string text = sweepJson().dump(2);
  SweepSpec spec;
  try {
    spec = parse_sweep_spec(text, "sweep");
  } catch (const Error& error) {
    return QString::fromStdString(error.what());
  }
  if (!document_->experiment()) return tr("the experiment itself is not valid yet (see the earlier pages)");
  // Every trial's experiment, as the sweep runner checks them before the first trains.
  const auto configurations = sweep_configurations(spec);
  for (std::size_t i = 0; i < configurations.size() && i < 256; ++i) {
    Json trial = document_->json();
    try {
      for (const auto& assignment : spec.set) apply_override(trial, assignment);
      for (const auto& assignment : configurations[i].overrides()) apply_override(trial, assignment);
      parse_experiment(trial);
    } catch (const Error& error) {
      return tr("trial %1 (%2): %3")
          .arg(i + 1)
          .arg(QString::fromStdString(configurations[i].describe()), QString::fromStdString(error.what()));
    }
  }
  return {};
}

void SweepPage::refresh() {
  if (updating_) return;
  const bool was_valid = valid_;
  if (!sweepEnabled()) {
    valid_ = true;
    preview_->setPlainText(QString());
    verdict_->setText(tr("No sweep: Save writes the experiment alone."));
    verdict_->setStyleSheet(QString());
  } else {
    preview_->setPlainText(sweepText());
    const QString problem = check();
    valid_ = problem.isEmpty();
    verdict_->setText(valid_ ? tr("Valid: every trial's experiment is accepted. Save and Train runs the sweep in the "
                                  "Sweep tab; cradle-cli sweep runs it from a terminal.")
                             : tr("Not valid yet: %1").arg(problem));
    verdict_->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;")
                                .arg((valid_ ? success_color(palette()) : error_color(palette())).name()));
  }
  if (valid_ != was_valid) Q_EMIT completeChanged();
}

QString SweepPage::verdict() const { return verdict_->text(); }

bool SweepPage::isComplete() const { return valid_; }

}  // namespace cradle
