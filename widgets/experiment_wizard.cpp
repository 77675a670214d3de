#include "widgets/experiment_wizard.h"

#include <QAbstractButton>
#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMessageBox>
#include <QScreen>

#include <algorithm>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment_templates.h"
#include "core/run/workspace_layout.h"
#include "core/tune/sweep_spec.h"
#include "widgets/data_preview_panel.h"
#include "widgets/experiment_document.h"
#include "widgets/wizard_architecture_page.h"
#include "widgets/wizard_hyperparameters_page.h"
#include "widgets/wizard_review_page.h"
#include "widgets/wizard_sweep_page.h"
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
  // Roomy where the screen allows, never larger than it: 1024x768 is the smallest supported.
  const QRect room = (parent ? parent->screen() : QGuiApplication::primaryScreen())->availableGeometry();
  resize(std::min(1180, room.width() - 24), std::min(760, room.height() - 48));

  taskData_ = new TaskDataPage(document_, this);
  architecture_ = new ArchitecturePage(document_, this);
  hyperparameters_ = new HyperparametersPage(document_, this);
  sweep_ = new SweepPage(document_, this);
  review_ = new ReviewPage(document_, this);
  setPage(TaskDataId, taskData_);
  setPage(ArchitectureId, architecture_);
  setPage(HyperparametersId, hyperparameters_);
  setPage(SweepId, sweep_);
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
  connect(document_, &ExperimentDocument::changed, this, &ExperimentWizard::documentChanged);
  connect(review_, &ReviewPage::savePathChanged, this, &ExperimentWizard::savePathChanged);
}

void ExperimentWizard::startNew(const QString& kind) {
  openedPath_.clear();
  openedSweepPath_.clear();
  sweep_->clear();
  setWindowTitle(tr("New Experiment"));
  const Json doc = experiment_template(kind.toStdString());
  document_->reset(doc, QString());
  updateDefaultSavePath();
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
  savePathChanged(absolute);
  sweep_->clear();
  openedSweepPath_.clear();
  // A sweep file beside it that names this experiment is its sweep.
  const QString sweep = sweepPath();
  try {
    if (QFile::exists(sweep) &&
        QFileInfo(
            QFileInfo(sweep).dir().filePath(QString::fromStdString(load_sweep_spec(sweep.toStdString()).experiment)))
                .absoluteFilePath() == absolute &&
        sweep_->loadSweep(sweep))
      openedSweepPath_ = sweep;
  } catch (const Error&) {
    // not a sweep this page can show: left as it is, and not replaced without asking
  }
  restart();
  return true;
}

void ExperimentWizard::savePathChanged(const QString& path) {
  document_->setBaseDir(QFileInfo(path).absolutePath());
  sweep_->setExperimentFileName(QFileInfo(path).fileName());
}

QString ExperimentWizard::sweepPath() const {
  return QFileInfo(review_->savePath()).dir().filePath(QStringLiteral("sweep.json"));
}

void ExperimentWizard::updateDefaultSavePath() {
  if (!openedPath_.isEmpty() || review_->savePathChosen()) return;
  const QString name = QString::fromStdString(document_->text(QStringLiteral("name"), "new-experiment"));
  const QString path =
      QString::fromStdString(WorkspaceLayout{workspace_.toStdString()}.experiment_file(name.toStdString()).string());
  review_->setSavePath(path);
  savePathChanged(path);
}

void ExperimentWizard::documentChanged() {
  updateDefaultSavePath();
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
  savedSweepPath_.clear();
  if (sweep_->sweepEnabled()) {
    try {
      write_text_atomically(sweepPath().toStdString(), sweep_->sweepText().toStdString());
    } catch (const Error& error) {
      error_ = tr("The experiment was saved, the sweep not: %1").arg(QString::fromStdString(error.what()));
      return false;
    }
    savedSweepPath_ = QFileInfo(sweepPath()).absoluteFilePath();
  }
  return true;
}

void ExperimentWizard::accept() {
  const QString path = QFileInfo(review_->savePath()).absoluteFilePath();
  // A new experiment never silently replaces another one's file.
  if (path != openedPath_ && QFile::exists(path) &&
      QMessageBox::question(this, tr("Replace Experiment"), tr("%1 exists. Replace it?").arg(path)) !=
          QMessageBox::Yes) {
    trainRequested_ = false;
    return;
  }
  const QString sweep = QFileInfo(sweepPath()).absoluteFilePath();
  if (sweep_->sweepEnabled() && sweep != QFileInfo(openedSweepPath_).absoluteFilePath() && QFile::exists(sweep) &&
      QMessageBox::question(this, tr("Replace Sweep"), tr("%1 exists. Replace it?").arg(sweep)) != QMessageBox::Yes) {
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
