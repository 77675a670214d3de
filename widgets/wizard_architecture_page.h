#pragma once
// Wizard page 2: the model. A template suited to the task with its sizes in a
// form; on the right the layer table (output shape, parameters, FLOPs) and the
// totals, FLOPs per sample and the memory a training step needs, updated as
// the sizes change, with a warning when that exceeds this machine's memory.
// Tuning a Hugging Face model folder (init_from), the form holds the folder
// and the right side its architecture and the memory of a training step for
// this experiment, for full fine-tuning and for LoRA (core/hub/fine_tuning_memory.h).
#include <QTimer>
#include <optional>

#include "core/run/experiment_profile.h"
#include "core/run/model_folder_memory.h"
#include "widgets/wizard_page.h"

class QLabel;
class QTableWidget;

namespace cradle {

class ArchitecturePage : public WizardPage {
  Q_OBJECT

 public:
  ArchitecturePage(ExperimentDocument* document, QWidget* parent = nullptr);

  // The data the model is built for (from the data page's background reading).
  void setDataProfile(const DataProfile& profile);
  QTableWidget* layerTable() const { return table_; }
  QString totalsText() const;
  QString memoryWarning() const;

 private:
  // The form's sections and the panel beside it, in the constructor's order.
  void addModelFields();
  void addConvolutionFields();
  void addDenseFields();
  void addSequenceFields();
  QWidget* summaryPanel();
  void updateSummary();
  // When init_from names a model folder: its figures in place of the layer table (true).
  bool showModelFolderFigures();
  QString describeModelFolderMemory(const ModelFolderMemory& memory, const QString& name) const;
  std::optional<DataProfile> profile_;
  QTableWidget* table_;
  QLabel* totals_;
  QLabel* warning_;
  QTimer delay_;
};

}  // namespace cradle
