#pragma once
// Wizard page 4, optional: a hyperparameter sweep over the experiment being
// edited (core/tune/sweep_spec.h). Off by default. On, it asks for the method,
// the metric, the budget and the fields to vary with their ranges (one row
// each: a field as --set names it, a distribution, "from, to" or a list of
// values), shows the sweep file as it will be written and the core's verdict
// on it: the sweep parser's, then every trial's experiment checked as the
// sweep runner checks it, so a range the experiment rejects is caught here.
// The wizard writes it beside the experiment as sweep.json.
#include <QWizardPage>

#include "core/experiment/json_object_reader.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QSpinBox;
class QTableWidget;
class QWidget;

namespace cradle {

class ExperimentDocument;

class SweepPage : public QWizardPage {
  Q_OBJECT

 public:
  SweepPage(ExperimentDocument* document, QWidget* parent = nullptr);

  bool sweepEnabled() const;
  void setSweepEnabled(bool on);  // on with no rows: the learning rate and weight decay, a decade each way
  // The experiment file's name, which the sweep file names (they are saved side by side).
  void setExperimentFileName(const QString& name);
  // Shows an existing sweep file (editing an experiment that has one); false when it is not a valid sweep.
  bool loadSweep(const QString& sweep_file);
  void clear();  // off, no rows, the defaults

  // One row: `range` is "from, to" for uniform, log_uniform and int_uniform, else comma-separated values.
  void addParameter(const QString& field, const QString& distribution, const QString& range);
  QTableWidget* parametersTable() const { return table_; }
  QComboBox* methodBox() const { return method_; }
  QComboBox* metricBox() const { return metric_; }
  QSpinBox* trialsBox() const { return trials_; }

  Json sweepJson() const;     // the file as it will be written
  QString sweepText() const;  // its text, as the preview shows it
  QString verdict() const;
  bool isComplete() const override;  // off, or a sweep the core accepts

 private:
  void refresh();
  void updateMetrics();
  QWidget* distributionBox(const QString& distribution);
  QString check() const;  // empty when the core accepts the sweep and its trials

  ExperimentDocument* document_;
  QString experimentFile_ = QStringLiteral("experiment.json");
  QCheckBox* enabled_;
  QWidget* settings_;
  QComboBox* method_;
  QComboBox* metric_;
  QSpinBox* trials_;
  QSpinBox* epochs_;
  QSpinBox* parallel_;
  QDoubleSpinBox* minutes_;
  QSpinBox* seed_;
  QTableWidget* table_;
  QPlainTextEdit* preview_;
  QLabel* verdict_;
  bool valid_ = true;
  bool updating_ = false;
};

}  // namespace cradle
