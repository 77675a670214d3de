#pragma once
// Wizard page 2: the model. A template suited to the task with its sizes in a
// form; on the right the layer table (output shape, parameters, FLOPs) and the
// totals, FLOPs per sample and the memory a training step needs, updated as
// the sizes change, with a warning when that exceeds this machine's memory.
#include <QTimer>
#include <optional>

#include "core/run/experiment_profile.h"
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
  void updateSummary();
  std::optional<DataProfile> profile_;
  QTableWidget* table_;
  QLabel* totals_;
  QLabel* warning_;
  QTimer delay_;
};

}  // namespace cradle
