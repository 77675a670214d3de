#pragma once
// Wizard page 1: what to learn and from which data. The task, the data source
// and its fields, the preprocessing steps in order, the splits; on the right a
// live preview of samples before and after each step and the class histogram.
#include "widgets/wizard_page.h"

namespace cradle {

class DataPreviewPanel;
class StepListEditor;

class TaskDataPage : public WizardPage {
  Q_OBJECT

 public:
  TaskDataPage(ExperimentDocument* document, QWidget* parent = nullptr);
  DataPreviewPanel* preview() const { return preview_; }
  StepListEditor* textSteps() const { return textSteps_; }
  StepListEditor* augmentations() const { return augment_; }

 private:
  void addFields();
  DataPreviewPanel* preview_;
  StepListEditor* textSteps_ = nullptr;
  StepListEditor* augment_ = nullptr;
};

}  // namespace cradle
