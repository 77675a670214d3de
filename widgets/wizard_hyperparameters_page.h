#pragma once
// Wizard page 3: how the model is trained. Optimizer and its parameters, the
// learning rate with a plot of its schedule over the whole run, batch, epochs,
// accumulation, clipping, regularisation, early stopping, precision, threads,
// device and seed; each field's tooltip says what it does.
#include <QTimer>
#include <cstdint>

#include "widgets/wizard_page.h"

class QCustomPlot;
class QLabel;

namespace cradle {

class HyperparametersPage : public WizardPage {
  Q_OBJECT

 public:
  HyperparametersPage(ExperimentDocument* document, QWidget* parent = nullptr);

  // Training samples per epoch, from the data page (the schedule's length).
  void setTrainSamples(std::int64_t samples);
  QCustomPlot* schedulePlot() const { return plot_; }
  QString scheduleText() const;

 private:
  void add_fields();
  void update_plot();
  QCustomPlot* plot_;
  QLabel* caption_;
  QTimer delay_;
  std::int64_t trainSamples_ = 0;
};

}  // namespace cradle
