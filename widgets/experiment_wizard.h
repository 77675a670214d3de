#pragma once
// The new-experiment wizard, which also edits an existing experiment: task and
// data, architecture, hyperparameters, an optional sweep, review. Every control edits one field
// of the experiment file (ExperimentDocument); Save writes the file as the
// core writes it, so opening a file and saving it unchanged gives the same bytes.
#include <QWizard>

#include "core/experiment/json_object_reader.h"

namespace cradle {

class ExperimentDocument;
class TaskDataPage;
class ArchitecturePage;
class HyperparametersPage;
class SweepPage;
class ReviewPage;

class ExperimentWizard : public QWizard {
  Q_OBJECT

 public:
  enum PageId { TaskDataId, ArchitectureId, HyperparametersId, SweepId, ReviewId };

  // New experiments are saved under `workspace`/<name>/experiment.json unless
  // the review page says otherwise.
  explicit ExperimentWizard(const QString& workspace, QWidget* parent = nullptr);

  // A new experiment from the template of a kind of task (core/experiment/experiment_templates.h).
  void startNew(const QString& kind = QStringLiteral("image_classification"));
  // Edits an existing file. A file that is valid JSON opens even when the core
  // rejects it, with the message next to the field to fix; false (and
  // errorText) when it cannot be read or is not JSON.
  // A sweep.json beside it that sweeps this file opens on the sweep page.
  bool openExperiment(const QString& path);
  QString errorText() const { return error_; }

  ExperimentDocument* document() const { return document_; }
  TaskDataPage* taskDataPage() const { return taskData_; }
  ArchitecturePage* architecturePage() const { return architecture_; }
  HyperparametersPage* hyperparametersPage() const { return hyperparameters_; }
  SweepPage* sweepPage() const { return sweep_; }
  ReviewPage* reviewPage() const { return review_; }

  // Writes the experiment file (false and errorText on failure).
  bool save();
  QString savedPath() const { return savedPath_; }
  // sweep.json beside the experiment when the sweep page was on; empty otherwise.
  QString savedSweepPath() const { return savedSweepPath_; }
  bool trainRequested() const { return trainRequested_; }

 public Q_SLOTS:
  void accept() override;

 private:
  void documentChanged();
  void updateDefaultSavePath();
  void savePathChanged(const QString& path);
  QString sweepPath() const;  // where the sweep is written: beside the experiment

  ExperimentDocument* document_;
  TaskDataPage* taskData_;
  ArchitecturePage* architecture_;
  HyperparametersPage* hyperparameters_;
  SweepPage* sweep_;
  ReviewPage* review_;
  QString workspace_;
  QString openedPath_;
  QString savedPath_;
  QString savedSweepPath_;
  QString openedSweepPath_;  // the sweep file opened with the experiment, replaced without asking
  QString error_;
  bool trainRequested_ = false;
};

}  // namespace cradle
