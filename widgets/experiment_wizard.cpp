#include "widgets/experiment_wizard.h"

#include <QAbstractButton>
#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment_templates.h"
#include "widgets/data_preview_panel.h"
#include "widgets/experiment_document.h"
#include "widgets/wizard_architecture_page.h"
#include "widgets/wizard_hyperparameters_page.h"
#include "widgets/wizard_review_page.h"
#include "widgets/wizard_task_data_page.h"

namespace cradle {

ExperimentWizard::ExperimentWizard(const QString& workspace, QWidget* parent)
    : QWizard(parent), document_(new ExperimentDocument(this)), workspace_(workspace) {
  setWindowTitle(tr("New Experiment"));
  setWizardStyle(QWizard::ModernStyle);
  setOption(QWizard::NoBackButtonOnStartPage);
  setOption(QWizard::HaveCustomButton1);
  setOption(QWizard::HaveCustomButton2);
  setOption(QWizard::HaveCustomButton3);
  setButtonText(QWizard::FinishButton, tr("&Save"));
  setButtonText(QWizard::CustomButton1, tr("Save and &Train"));
  setButtonText(QWizard::CustomButton2, tr("&Undo"));
  setButtonText(QWizard::CustomButton3, tr("&Redo"));
  setButtonLayout({QWizard::CustomButton2, QWizard::CustomButton3, QWizard::Stretch, QWizard::BackButton,
                   QWizard::NextButton, QWizard::CustomButton1, QWizard::FinishButton, QWizard::CancelButton});
  button(QWizard::CustomButton1)->setObjectName(QStringLiteral("saveAndTrain"));
  resize(1180, 760);

  taskData_ = new TaskDataPage(document_, this);
  architecture_ = new ArchitecturePage(document_, this);
  hyperparameters_ = new HyperparametersPage(document_, this);
  review_ = new ReviewPage(document_, this);
  setPage(TaskDataId, taskData_);
  setPage(ArchitectureId, architecture_);
  setPage(HyperparametersId, hyperparameters_);
  setPage(ReviewId, review_);

  // Undo and redo over the whole document, also as keyboard shortcuts (a
  // text field being typed in undoes its own typing first).
  QUndoStack* undo = document_->undoStack();
  QAbstractButton* undoButton = button(QWizard::CustomButton2);
  QAbstractButton* redoButton = button(QWizard::CustomButton3);
  undoButton->setEnabled(false);
  redoButton->setEnabled(false);
  connect(undo, &QUndoStack::canUndoChanged, undoButton, &QAbstractButton::setEnabled);
  connect(undo, &QUndoStack::canRedoChanged, redoButton, &QAbstractButton::setEnabled);
  connect(undoButton, &QAbstractButton::clicked, undo, &QUndoStack::undo);
  connect(redoButton, &QAbstractButton::clicked, undo, &QUndoStack::redo);
  auto* undoAction = new QAction(this);
  undoAction->setShortcut(QKeySequence::Undo);
  connect(undoAction, &QAction::triggered, undo, &QUndoStack::undo);
  auto* redoAction = new QAction(this);
  redoAction->setShortcut(QKeySequence::Redo);
  connect(redoAction, &QAction::triggered, undo, &QUndoStack::redo);
  addActions({undoAction, redoAction});

  auto* saveAndTrain = button(QWizard::CustomButton1);
  const auto update_train_button = [this, saveAndTrain] {
    saveAndTrain->setVisible(currentId() == ReviewId);
    saveAndTrain->setEnabled(review_->isComplete());
  };
  connect(this, &QWizard::currentIdChanged, this, update_train_button);
  connect(review_, &QWizardPage::completeChanged, this, update_train_button);
  connect(saveAndTrain, &QAbstractButton::clicked, this, [this] {
    trainRequested_ = true;
    accept();
  });

  connect(taskData_->preview(), &DataPreviewPanel::profiled, this, [this](const DataProfile& profile) {
    architecture_->setDataProfile(profile);
    hyperparameters_->setTrainSamples(profile.train_samples);
  });
  connect(document_, &ExperimentDocument::changed, this, &ExperimentWizard::document_changed);
  connect(review_, &ReviewPage::savePathChanged, this, [this](const QString& path) {
    document_->setBaseDir(QFileInfo(path).absolutePath());
  });
}

void ExperimentWizard::startNew(const QString& kind) {
  openedPath_.clear();
  setWindowTitle(tr("New Experiment"));
  const Json doc = experiment_template(kind.toStdString());
  document_->reset(doc, QString());
  update_default_save_path();
  restart();
}

bool ExperimentWizard::openExperiment(const QString& path) {
  Json doc;
  try {
    doc = parse_json_text(read_file(path.toStdString()), path.toStdString());
  } catch (const Error& error) {
    error_ = QString::fromStdString(error.what());
    return false;
  }
  if (!doc.is_object()) {
    error_ = tr("%1: an experiment file holds one JSON object").arg(path);
    return false;
  }
  const QString absolute = QFileInfo(path).absoluteFilePath();
  openedPath_ = absolute;
  setWindowTitle(tr("Edit Experiment - %1").arg(QFileInfo(path).fileName()));
  document_->reset(doc, QFileInfo(absolute).absolutePath());
  review_->setSavePath(absolute);
  restart();
  return true;
}

void ExperimentWizard::update_default_save_path() {
  if (!openedPath_.isEmpty() || review_->savePathChosen()) return;
  const QString name = QString::fromStdString(document_->text(QStringLiteral("name"), "new-experiment"));
  const QString path = QDir(workspace_).filePath(name + QStringLiteral("/experiment.json"));
  review_->setSavePath(path);
  document_->setBaseDir(QFileInfo(path).absolutePath());
}

void ExperimentWizard::document_changed() {
  update_default_save_path();
  if (const auto experiment = document_->experiment()) {
    taskData_->preview()->showExperiment(*experiment);
  } else {
    const QString where = document_->errorPath();
    if (where.startsWith(QLatin1String("data")) || where == QLatin1String("task") || where.isEmpty())
      taskData_->preview()->showInvalid(document_->error());
  }
}

bool ExperimentWizard::save() {
  error_.clear();
  const QString path = review_->savePath();
  const QString text = document_->canonicalText();
  if (text.isEmpty()) {
    error_ = document_->error();
    return false;
  }
  try {
    QDir().mkpath(QFileInfo(path).absolutePath());
    write_text_atomically(path.toStdString(), text.toStdString());
  } catch (const Error& error) {
    error_ = QString::fromStdString(error.what());
    return false;
  }
  savedPath_ = QFileInfo(path).absoluteFilePath();
  return true;
}

void ExperimentWizard::accept() {
  const QString path = QFileInfo(review_->savePath()).absoluteFilePath();
  // A new experiment never silently replaces another one's file.
  if (path != openedPath_ && QFile::exists(path) &&
      QMessageBox::question(this, tr("Replace Experiment"), tr("%1 exists. Replace it?").arg(path)) != QMessageBox::Yes) {
    trainRequested_ = false;
    return;
  }
  if (!save()) {
    trainRequested_ = false;
    QMessageBox::warning(this, tr("Could Not Save"), error_);
    return;
  }
  QWizard::accept();
}

}  // namespace cradle
