#include "widgets/wizard_hyperparameters_page.h"

#include <algorithm>

#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>
#include "widgets/custom_plot.h"

#include "core/experiment/experiment_templates.h"
#include "core/run/learning_rate_finder.h"
#include "core/train/learning_rate_schedule.h"

namespace cradle {
namespace {

constexpr std::int64_t kAssumedSamples = 10000;

std::string optimizer_of(const Json& doc) { return section_of(doc, "train").value("optimizer", std::string("adam")); }
std::string schedule_of(const Json& doc) {
  return section_of(section_of(doc, "train"), "schedule").value("type", std::string("constant"));
}
bool early_stopping_of(const Json& doc) { return section_of(doc, "train").contains("early_stopping"); }

// The range test's end as the worker hands it over: the finding, or why there is none.
struct FinderOutcome {
  LearningRateFinding finding;
  QString error;
};

}  // namespace

HyperparametersPage::HyperparametersPage(ExperimentDocument* document, QWidget* parent) : WizardPage(document, parent) {
  setTitle(tr("Hyperparameters"));
  setSubTitle(tr("How the model is trained. Hover over a field to see what it does."));
  addFields();

  auto* side = new QWidget(this);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(side);
  plot_->setObjectName(QStringLiteral("schedulePlot"));
  plot_->setMinimumHeight(220);
  plot_->xAxis->setLabel(tr("optimizer step"));
  plot_->yAxis->setLabel(tr("learning rate"));
  sideLayout->addWidget(plot_, 1);
  caption_ = new QLabel(side);
  caption_->setObjectName(QStringLiteral("scheduleCaption"));
  caption_->setWordWrap(true);
  sideLayout->addWidget(caption_);

  findButton_ = new QPushButton(tr("Find Learning Rate"), side);
  findButton_->setObjectName(QStringLiteral("findLearningRate"));
  findButton_->setToolTip(
      tr("Train a scratch copy of the model for 100 steps while the rate grows from 1e-7 to 10, "
         "plot the loss and fill in a tenth of the rate where it is lowest. The experiment's "
         "runs are not touched."));
  sideLayout->addWidget(findButton_, 0, Qt::AlignLeft);
  finderPlot_ = new QCustomPlot(side);
  finderPlot_->setObjectName(QStringLiteral("learningRateFinderPlot"));
  finderPlot_->setMinimumHeight(160);
  finderPlot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
  finderPlot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  finderPlot_->xAxis->setNumberFormat(QStringLiteral("eb"));
  finderPlot_->xAxis->setNumberPrecision(0);  // 10^-4, not 1.000000·10^-4
  finderPlot_->xAxis->setLabel(tr("learning rate"));
  finderPlot_->yAxis->setLabel(tr("training loss"));
  finderPlot_->hide();
  sideLayout->addWidget(finderPlot_, 1);
  finderCaption_ = new QLabel(side);
  finderCaption_->setObjectName(QStringLiteral("learningRateFinderCaption"));
  finderCaption_->setWordWrap(true);
  sideLayout->addWidget(finderCaption_);
  connect(findButton_, &QPushButton::clicked, this, &HyperparametersPage::findLearningRate);

  placeBesideForm(side, 5, 4);

  delay_.setSingleShot(true);
  delay_.setInterval(100);
  connect(&delay_, &QTimer::timeout, this, &HyperparametersPage::updatePlot);
  connect(document_, &ExperimentDocument::changed, this, [this] { delay_.start(); });
  updatePlot();
}

HyperparametersPage::~HyperparametersPage() {
  if (finderStop_) finderStop_->request();
}

void HyperparametersPage::addFields() {
  addTrainingFields();
  addOptimizerFields();
  addRegularisationFields();
  addScheduleFields();
  addEarlyStoppingFields();
  addRunFields();
}

// Epochs, batches, loss and precision; LoRA and checkpointing for a language model tuned from another.
void HyperparametersPage::addTrainingFields() {
  DocumentForm* f = form_;
  f->addSection(tr("Training"));
  f->addField({"train.epochs", tr("Epochs:"), FieldKind::Integer, tr("Passes over the training split.")});
  f->addField({"train.batch_size", tr("Batch size:"), FieldKind::Integer,
               tr("Samples per forward pass (a micro-batch when accumulating). Larger: faster, more memory.")});
  f->addField({"train.accumulate_steps", tr("Gradient accumulation:"), FieldKind::Integer,
               tr("Micro-batches summed per optimizer step: a larger effective batch in the same memory.")});
  f->addField({"train.loss",
               tr("Loss:"),
               FieldKind::Choice,
               tr("Mean squared or mean absolute error."),
               {{"mse", tr("mean squared error")}, {"mae", tr("mean absolute error")}}});
  f->addField(
      {"train.precision",
       tr("Precision:"),
       FieldKind::Choice,
       tr("bfloat16 runs the forward pass in half precision where the processor supports it: faster, slightly less exact."),
       {{"float32", QStringLiteral("float32")}, {"bfloat16", QStringLiteral("bfloat16")}}});

  // Tuning a language model another stage or the Hub made (init_from; continued
  // pretraining keeps its model, so has no model section): LoRA adapters instead
  // of every weight, and recomputed activations for long contexts. A classifier's
  // transfer learning has neither.
  const auto tunes_a_model = [](const Json& doc) {
    return doc.is_object() && doc.contains("init_from") && doc.value("task", "") == "language_model" &&
           (doc.value("stage", "pretrain") != "pretrain" || !doc.contains("model"));
  };
  FieldSpec lora{
      "train.lora", tr("LoRA:"), FieldKind::Bool,
      tr("Train small low-rank adapters on the attention and MLP projections and keep the model's own "
         "weights frozen: a fraction of the memory (a Hugging Face model folder, or a run tuned from one).")};
  lora.visible = tunes_a_model;
  lora.derive = [](const Json& doc) { return Json(section_of(doc, "train").contains("lora")); };
  lora.reshape = [](const Json& doc, const Json& value) {
    Json out = doc;
    if (value.get<bool>())
      out["train"]["lora"] = {{"rank", 8}, {"alpha", 16}, {"dropout", 0.05}};
    else
      out["train"].erase("lora");
    return out;
  };
  f->addField(lora);
  f->addField({"train.lora.rank", tr("LoRA rank:"), FieldKind::Integer,
               tr("The adapters' inner size: larger learns more and costs more.")});
  f->addField({"train.lora.alpha", tr("LoRA alpha:"), FieldKind::Number, tr("The adapters' scale is alpha / rank.")});
  f->addField({"train.lora.dropout", tr("LoRA dropout:"), FieldKind::Number,
               tr("Share of the adapters' inputs zeroed while training.")});
  FieldSpec checkpointing{"train.gradient_checkpointing", tr("Gradient checkpointing:"), FieldKind::Bool,
                          tr("Recompute each layer's activations in the backward pass instead of keeping them: much "
                             "less memory at long contexts, about a third more time.")};
  checkpointing.visible = tunes_a_model;
  checkpointing.fallback = false;
  f->addField(checkpointing);
}

// The update rule and its settings; each optimizer shows its own.
void HyperparametersPage::addOptimizerFields() {
  DocumentForm* f = form_;
  f->addSection(tr("Optimizer"));
  FieldSpec optimizer{"train.optimizer",
                      tr("Optimizer:"),
                      FieldKind::Choice,
                      tr("The update rule. Adam and AdamW suit most models; SGD with momentum suits CNNs."),
                      {{"sgd", QStringLiteral("SGD")},
                       {"adagrad", QStringLiteral("Adagrad")},
                       {"adadelta", QStringLiteral("Adadelta")},
                       {"rmsprop", QStringLiteral("RMSprop")},
                       {"adam", QStringLiteral("Adam")},
                       {"adamw", QStringLiteral("AdamW")}}};
  optimizer.reshape = [](const Json& doc, const Json& value) {
    return with_train_shape(doc, value.get<std::string>(), schedule_of(doc), early_stopping_of(doc));
  };
  f->addField(optimizer);
  f->addField({"train.lr", tr("Learning rate:"), FieldKind::Number,
               tr("Size of each update; the schedule scales it over the run.")});
  f->addField({"train.momentum", tr("Momentum:"), FieldKind::Number,
               tr("Share of the previous update carried into the next.")});
  f->addField({"train.nesterov", tr("Nesterov:"), FieldKind::Bool, tr("Look-ahead momentum.")});
  f->addField({"train.betas", tr("Betas:"), FieldKind::NumberOrList,
               tr("Decay of the gradient's running mean and of its square (two numbers).")});
  f->addField({"train.eps", tr("Epsilon:"), FieldKind::Number, tr("Added to denominators for numerical safety.")});
  f->addField({"train.rho", tr("Rho:"), FieldKind::Number, tr("Decay of Adadelta's running averages.")});
  f->addField({"train.alpha", tr("Alpha:"), FieldKind::Number, tr("Decay of RMSprop's squared-gradient average.")});
  f->addField({"train.weight_decay", tr("Weight decay (L2):"), FieldKind::Number,
               tr("Pulls weights towards zero; decoupled from the gradient for AdamW.")});
}

void HyperparametersPage::addRegularisationFields() {
  DocumentForm* f = form_;
  f->addSection(tr("Regularisation"));
  f->addField(
      {"train.l1", tr("L1 penalty:"), FieldKind::Number, tr("Pushes weights to exactly zero (sparser models).")});
  f->addField({"train.label_smoothing", tr("Label smoothing:"), FieldKind::Number,
               tr("Share of the target spread over the other classes: less over-confident predictions.")});
  f->addField({"train.clip_grad_norm", tr("Gradient clipping:"), FieldKind::Number,
               tr("The largest gradient norm applied; 0 turns clipping off. Steadies transformers and RNNs.")});
}

// The schedule and its settings; the plot beside the form shows the result.
void HyperparametersPage::addScheduleFields() {
  DocumentForm* f = form_;
  f->addSection(tr("Learning-rate schedule"));
  FieldSpec schedule{"train.schedule.type",
                     tr("Schedule:"),
                     FieldKind::Choice,
                     tr("How the learning rate moves over the run; the plot shows it."),
                     {{"constant", tr("constant")},
                      {"step", tr("step decay")},
                      {"exponential", tr("exponential decay")},
                      {"cosine", tr("cosine")},
                      {"linear", tr("linear decay")},
                      {"one_cycle", tr("one cycle")},
                      {"plateau", tr("cut on plateau")}}};
  schedule.reshape = [](const Json& doc, const Json& value) {
    return with_train_shape(doc, optimizer_of(doc), value.get<std::string>(), early_stopping_of(doc));
  };
  f->addField(schedule);
  f->addField({"train.schedule.warmup_steps", tr("Warm-up steps:"), FieldKind::Integer,
               tr("Steps rising linearly from 0 to the learning rate first.")});
  f->addField({"train.schedule.step_epochs", tr("Every N epochs:"), FieldKind::Integer,
               tr("Step decay: epochs between cuts.")});
  f->addField({"train.schedule.gamma", tr("Gamma:"), FieldKind::Number,
               tr("The factor applied at each cut (step) or each epoch (exponential).")});
  f->addField({"train.schedule.min_lr", tr("Final rate:"), FieldKind::Number,
               tr("Where the cosine or linear decay ends; the floor for plateau cuts.")});
  f->addField({"train.schedule.pct_start", tr("Rising share:"), FieldKind::Number,
               tr("One cycle: share of the run spent rising.")});
  f->addField({"train.schedule.div_factor", tr("Start divisor:"), FieldKind::Number,
               tr("One cycle: starts at the rate divided by this.")});
  f->addField({"train.schedule.final_div_factor", tr("Final divisor:"), FieldKind::Number,
               tr("One cycle: ends at the start rate divided by this.")});
  f->addField({"train.schedule.factor", tr("Cut factor:"), FieldKind::Number,
               tr("Plateau: the rate is multiplied by this...")});
  f->addField({"train.schedule.patience", tr("Patience:"), FieldKind::Integer,
               tr("...after this many epochs without a better validation loss.")});
  f->addField({"train.schedule.min_delta", tr("Improvement:"), FieldKind::Number,
               tr("Plateau: the smallest change that counts as better.")});
}

void HyperparametersPage::addEarlyStoppingFields() {
  DocumentForm* f = form_;
  f->addSection(tr("Early stopping"));
  FieldSpec stopping{"train.early_stopping", tr("Stop early:"), FieldKind::Bool,
                     tr("Stop when the validation metric stops improving and keep the best epoch's weights.")};
  stopping.visible = [](const Json&) { return true; };
  stopping.derive = [](const Json& doc) { return Json(early_stopping_of(doc)); };
  stopping.reshape = [](const Json& doc, const Json& value) {
    return with_train_shape(doc, optimizer_of(doc), schedule_of(doc), value.get<bool>());
  };
  f->addField(stopping);
  f->addField({"train.early_stopping.metric",
               tr("Watch:"),
               FieldKind::Choice,
               tr("The validation metric that must improve."),
               {{"validation_loss", tr("validation loss")},
                {"validation_accuracy", tr("validation accuracy")},
                {"validation_mae", tr("validation MAE")},
                {"validation_rmse", tr("validation RMSE")},
                {"validation_r2", tr("validation R²")}}});
  f->addField({"train.early_stopping.patience", tr("Patience:"), FieldKind::Integer,
               tr("Epochs without improvement before stopping.")});
  f->addField({"train.early_stopping.min_delta", tr("Improvement:"), FieldKind::Number,
               tr("Smaller changes are not improvements.")});
  f->addField({"train.early_stopping.restore_best", tr("Restore best:"), FieldKind::Bool,
               tr("End with the best epoch's weights.")});
}

// Seed, threads, device, loading, logging and checkpoints.
void HyperparametersPage::addRunFields() {
  DocumentForm* f = form_;
  f->addSection(tr("Run"));
  f->addField(
      {"seed", tr("Seed:"), FieldKind::Integer, tr("Same seed, same threads: the same run, number for number.")});
  f->addField(
      {"threads", tr("Threads:"), FieldKind::Integer, tr("Processor threads for training; 0 uses every core.")});
  f->addField({"device",
               tr("Device:"),
               FieldKind::Choice,
               tr("Where training runs; auto takes a CUDA GPU when there is one."),
               {{"cpu", tr("processor (CPU)")}, {"cuda", tr("GPU (CUDA)")}, {"auto", tr("automatic")}}});
  f->addField({"data.loader_threads", tr("Loader threads:"), FieldKind::IntegerOrAuto,
               tr("Background threads preparing batches; \"auto\" uses one when it helps, 0 none.")});
  f->addField({"data.prefetch_batches", tr("Prefetched batches:"), FieldKind::Integer,
               tr("Batches prepared ahead of the training step.")});
  f->addField({"data.cache", tr("Cache prepared data:"), FieldKind::Bool,
               tr("Keep decoded data for the next run of the same settings.")});
  f->addField(
      {"train.log_every", tr("Log every:"), FieldKind::Integer, tr("Optimizer steps between training-metric lines.")});
  f->addField({"train.keep_checkpoints", tr("Checkpoints kept:"), FieldKind::Integer,
               tr("The newest epoch checkpoints kept on disk.")});
  f->addField({"eval.batch_size", tr("Evaluation batch:"), FieldKind::Integer,
               tr("Samples per batch when validating and testing.")});
}

void HyperparametersPage::setTrainSamples(std::int64_t samples) {
  trainSamples_ = samples;
  updatePlot();
}

QString HyperparametersPage::scheduleText() const { return caption_->text(); }
QString HyperparametersPage::finderText() const { return finderCaption_->text(); }

void HyperparametersPage::findLearningRate() {
  if (finder_.busy()) {  // the button reads Stop meanwhile
    if (finderStop_) finderStop_->request();
    return;
  }
  const auto experiment = document_->experiment();
  if (!experiment) {
    finderCaption_->setText(tr("The experiment is not valid yet: %1").arg(document_->error()));
    Q_EMIT learningRateNotFound(finderCaption_->text());
    return;
  }
  finderPlot_->clearGraphs();
  QCPGraph* raw = finderPlot_->addGraph();
  raw->setPen(QPen(QColor(120, 120, 120, 110), 1));
  QCPGraph* smoothed = finderPlot_->addGraph();
  smoothed->setPen(QPen(palette().color(QPalette::Highlight), 2));
  finderPlot_->show();
  finderPlot_->replot();
  findButton_->setText(tr("Stop"));
  finderCaption_->setText(tr("Preparing the data and a scratch copy of the model…"));
  finderStop_ = std::make_shared<StopSignal>();
  const auto stop = finderStop_;
  const Experiment test = with_absolute_paths(*experiment);
  QPointer<HyperparametersPage> self(this);
  finder_.start<FinderOutcome>(
      this,
      [test, stop, self] {
        FinderOutcome outcome;
        try {
          outcome.finding = find_learning_rate(test, LearningRateRange{}, stop.get(), [self](const RangeTestPoint& p) {
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, p] {
                  if (self) self->addFinderPoint(p.lr, p.loss, p.smoothed);
                },
                Qt::QueuedConnection);
          });
        } catch (const std::exception& error) {
          outcome.error = QString::fromStdString(error.what());
        }
        return outcome;
      },
      [this](const FinderOutcome& outcome) {
        findButton_->setText(tr("Find Learning Rate"));
        const auto& f = outcome.finding;
        if (!outcome.error.isEmpty() || !f.suggestion) {
          finderCaption_->setText(outcome.error.isEmpty()
                                      ? tr("No suggestion: the loss did not fall between %1 and %2 in %3 steps.")
                                            .arg(f.range.min_lr)
                                            .arg(f.range.max_lr)
                                            .arg(f.points.size())
                                      : outcome.error);
          Q_EMIT learningRateNotFound(finderCaption_->text());
          return;
        }
        // The finished curve replaces what was streamed (the same points, none lost to a late signal).
        QVector<double> rates, losses, averages;
        for (const auto& p : f.points) {
          if (!std::isfinite(p.loss)) continue;
          rates << p.lr;
          losses << p.loss;
          averages << p.smoothed;
        }
        finderPlot_->graph(0)->setData(rates, losses);
        finderPlot_->graph(1)->setData(rates, averages);
        auto* mark = new QCPItemStraightLine(finderPlot_);
        mark->point1->setCoords(f.suggestion->lr, 0);
        mark->point2->setCoords(f.suggestion->lr, 1);
        mark->setPen(QPen(QColor(0x2c, 0xa0, 0x2c), 1.5, Qt::DashLine));
        finderPlot_->rescaleAxes();
        finderPlot_->replot();
        const double previous = document_->experiment() ? document_->experiment()->train.lr : 0;
        document_->set(QStringLiteral("train.lr"), f.suggestion->lr);
        finderCaption_->setText(
            tr("Suggested learning rate %1: %2. Filled in (it was %3; Undo restores it). %4 steps in %5 s%6.")
                .arg(f.suggestion->lr, 0, 'g', 3)
                .arg(QString::fromStdString(f.suggestion->rule))
                .arg(previous, 0, 'g', 3)
                .arg(f.points.size())
                .arg(f.seconds, 0, 'f', 1)
                .arg(f.diverged ? tr(", ended when the loss diverged") : QString()));
        Q_EMIT learningRateFound(f.suggestion->lr);
      });
}

void HyperparametersPage::addFinderPoint(double lr, double loss, double smoothed) {
  if (finderPlot_->graphCount() < 2 || !std::isfinite(loss)) return;
  finderPlot_->graph(0)->addData(lr, loss);
  finderPlot_->graph(1)->addData(lr, smoothed);
  finderPlot_->rescaleAxes();
  finderPlot_->replot(QCustomPlot::rpQueuedReplot);
  finderCaption_->setText(tr("Rate %1: loss %2").arg(lr, 0, 'g', 3).arg(loss, 0, 'g', 4));
}

void HyperparametersPage::updatePlot() {
  const auto experiment = document_->experiment();
  plot_->clearGraphs();
  if (!experiment) {
    caption_->setText(tr("The plot appears once the settings are valid."));
    plot_->replot();
    return;
  }
  const TrainSpec& train = experiment->train;
  const std::int64_t samples = trainSamples_ > 0 ? trainSamples_ : kAssumedSamples;
  const TrainingPlan plan = plan_training(train, samples);
  const LearningRateSchedule schedule(train.schedule, train.lr, plan.total_steps, plan.steps_per_epoch);
  const std::int64_t points = std::min<std::int64_t>(plan.total_steps, 500);
  QVector<double> steps, rates;
  for (std::int64_t i = 0; i < points; ++i) {
    const std::int64_t step = points > 1 ? i * (plan.total_steps - 1) / (points - 1) : 0;
    steps << static_cast<double>(step + 1);
    rates << schedule.at(step);
  }
  QCPGraph* graph = plot_->addGraph();
  graph->setData(steps, rates);
  graph->setPen(QPen(palette().color(QPalette::Highlight), 2));
  // Fitted by hand every time: QCustomPlot's rescale keeps the previous span
  // for a flat line, which drew a constant 0.001 on a 0-1.5 axis.
  const double highest = *std::max_element(rates.begin(), rates.end());
  plot_->yAxis->setRange(0, highest > 0 ? highest * 1.15 : 1.0);
  plot_->xAxis->setRange(1, std::max(2.0, steps.back()));
  plot_->replot();
  QString caption =
      (plan.epochs == 1 ? tr("1 epoch of %2 steps (%3 training samples%4, %5 per step).")
                        : tr("%1 epochs of %2 steps (%3 training samples%4, %5 per step).").arg(plan.epochs))
          .arg(plan.steps_per_epoch)
          .arg(samples)
          .arg(trainSamples_ > 0 ? QString() : tr(", assumed until the data is read"))
          .arg(train.batch_size * train.accumulate_steps);
  if (train.schedule.type == "plateau") caption += tr(" The rate is cut further whenever the validation loss stalls.");
  const std::int64_t logged_every = log_interval(train.log_every, plan.steps_per_epoch);
  caption +=
      logged_every < train.log_every
          ? tr(" Training metrics are logged every %1 steps (at least %2 points an epoch, though Log every is %3).")
                .arg(logged_every)
                .arg(kMinLogPointsPerEpoch)
                .arg(train.log_every)
          : tr(" Training metrics are logged every %1 steps.").arg(logged_every);
  caption_->setText(caption);
}

}  // namespace cradle
