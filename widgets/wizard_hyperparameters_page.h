#pragma once
// Wizard page 3: how the model is trained. Optimizer and its parameters, the
// learning rate with a plot of its schedule over the whole run, batch, epochs,
// accumulation, clipping, regularisation, early stopping, precision, threads,
// device and seed; each field's tooltip says what it does. Find Learning Rate
// runs the range test (core/run/learning_rate_finder.h) on a worker thread,
// plots the loss against the rate as it comes and fills in the suggestion
// (one undo step).
#include <QTimer>
#include <cstdint>
#include <memory>

#include "core/train/stop_signal.h"
#include "widgets/background_job.h"
#include "widgets/wizard_page.h"

class QCustomPlot;
class QLabel;
class QPushButton;

namespace cradle {

class HyperparametersPage : public WizardPage {
  Q_OBJECT

 public:
  HyperparametersPage(ExperimentDocument* document, QWidget* parent = nullptr);
  ~HyperparametersPage() override;  // a range test still running is asked to stop

  // Training samples per epoch, from the data page (the schedule's length).
  void setTrainSamples(std::int64_t samples);
  QCustomPlot* schedulePlot() const { return plot_; }
  QString scheduleText() const;

  // The range test of the experiment as it stands; learningRateFound() (or
  // learningRateNotFound() with the reason) when it ends. Pressing again stops it.
  void findLearningRate();
  bool findingLearningRate() const { return finder_.busy(); }
  QCustomPlot* finderPlot() const { return finderPlot_; }
  QString finderText() const;

 Q_SIGNALS:
  void learningRateFound(double lr);
  void learningRateNotFound(const QString& reason);

 private:
  void addFields();  // one section each:
  void addTrainingFields();
  void addOptimizerFields();
  void addRegularisationFields();
  void addScheduleFields();
  void addEarlyStoppingFields();
  void addRunFields();
  void updatePlot();
  void addFinderPoint(double lr, double loss, double smoothed);
  QCustomPlot* plot_;
  QLabel* caption_;
  QPushButton* findButton_;
  QCustomPlot* finderPlot_;
  QLabel* finderCaption_;
  BackgroundJobs finder_;
  std::shared_ptr<StopSignal> finderStop_;
  QTimer delay_;
  std::int64_t trainSamples_ = 0;
};

}  // namespace cradle
