#include "widgets/wizard_architecture_page.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/experiment/experiment_templates.h"
#include "core/hub/hub_model.h"
#include "widgets/palette_colors.h"

namespace cradle {
namespace {

QString mebibytes(std::int64_t bytes) {
  return QLocale().toString(static_cast<double>(bytes) / (1024.0 * 1024.0), 'f', bytes < 10 * 1024 * 1024 ? 2 : 1) +
         QStringLiteral(" MiB");
}

QTableWidgetItem* number_item(std::int64_t value) {
  auto* item = new QTableWidgetItem(QLocale().toString(static_cast<qlonglong>(value)));
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

}  // namespace

ArchitecturePage::ArchitecturePage(ExperimentDocument* document, QWidget* parent) : WizardPage(document, parent) {
  setTitle(tr("Architecture"));
  setSubTitle(tr("The model and its sizes; the table shows what each layer costs."));
  addModelFields();
  addConvolutionFields();
  addDenseFields();
  addSequenceFields();
  placeBesideForm(summaryPanel(), 4, 5);

  delay_.setSingleShot(true);
  delay_.setInterval(150);
  connect(&delay_, &QTimer::timeout, this, &ArchitecturePage::updateSummary);
  connect(document_, &ExperimentDocument::changed, this, [this] { delay_.start(); });
  totals_->setText(tr("The layer table appears once the data has been read (page 1)."));
}

// Where the model comes from: a folder to start from, or a template.
void ArchitecturePage::addModelFields() {
  DocumentForm* f = form_;
  f->addSection(tr("Model"));
  f->addField({"init_from", tr("Start from:"), FieldKind::Folder,
               tr("A Hugging Face model folder (config.json, model.safetensors, tokenizer.json: e.g. from "
                  "huggingface-cli download), or a run folder; the experiment keeps its model.")});
  FieldSpec type{"model.type",
                 tr("Template:"),
                 FieldKind::Choice,
                 tr("The kind of network. Each takes its own sizes below."),
                 {{"mlp", tr("MLP (fully connected)")},
                  {"cnn", tr("CNN stack")},
                  {"lenet5", tr("LeNet-5")},
                  {"resnet", tr("ResNet")},
                  {"rnn", tr("RNN")},
                  {"lstm", tr("LSTM")},
                  {"gru", tr("GRU")},
                  {"gpt", tr("GPT (transformer decoder)")},
                  {"encoder", tr("Transformer encoder")}}};
  type.reshape = [](const Json& doc, const Json& value) { return with_model_type(doc, value.get<std::string>()); };
  type.offered = [](const Json& doc, const QString& value) {
    const auto& types = task_kind_of(doc).model_types;
    return std::find(types.begin(), types.end(), value.toStdString()) != types.end();
  };
  f->addField(type);
}

// The CNN stack's and the ResNet's sizes.
void ArchitecturePage::addConvolutionFields() {
  DocumentForm* f = form_;
  f->addField({"model.conv_channels", tr("Conv channels:"), FieldKind::IntegerList,
               tr("One convolution block (conv, norm, activation, pool) per number: its output channels.")});
  f->addField(
      {"model.kernel_size", tr("Kernel size:"), FieldKind::Integer, tr("Side of the square convolution kernel.")});
  f->addField({"model.padding",
               tr("Padding:"),
               FieldKind::Choice,
               tr("\"same\" keeps the image size (kernel_size / 2 each side); \"valid\" adds none."),
               {{"same", tr("same")}, {"valid", tr("valid")}}});
  f->addField({"model.stride", tr("Stride:"), FieldKind::Integer, tr("Step of the convolution.")});
  f->addField({"model.pool",
               tr("Pooling:"),
               FieldKind::Choice,
               tr("2x2 pooling after each block."),
               {{"max", tr("max")}, {"avg", tr("average")}, {"none", tr("none")}}});
  f->addField({"model.conv_dropout", tr("Channel dropout:"), FieldKind::Number,
               tr("Share of whole channels dropped after each block while training.")});
  f->addField({"model.widths", tr("Stage widths:"), FieldKind::IntegerList, tr("Channels of each ResNet stage.")});
  f->addField({"model.blocks", tr("Blocks per stage:"), FieldKind::IntegerList, tr("Residual blocks in each stage.")});
}

// Fully connected layers: widths, activation, normalisation.
void ArchitecturePage::addDenseFields() {
  DocumentForm* f = form_;
  f->addField({"model.hidden", tr("Dense layers:"), FieldKind::IntegerList,
               tr("Width of each fully connected layer before the output.")});
  f->addField({"model.activation",
               tr("Activation:"),
               FieldKind::Choice,
               tr("The non-linearity between layers."),
               {{"relu", QStringLiteral("ReLU")},
                {"gelu", QStringLiteral("GELU")},
                {"tanh", QStringLiteral("tanh")},
                {"sigmoid", QStringLiteral("sigmoid")}}});
  f->addField(
      {"model.batch_norm", tr("Batch norm:"), FieldKind::Bool, tr("Normalise each layer's outputs over the batch.")});
  f->addField({"model.layer_norm", tr("Layer norm:"), FieldKind::Bool,
               tr("Normalise each sample's dense activations (not with batch norm).")});
}

// Recurrent and transformer sizes, how a text becomes one vector, and the dropout every model has.
void ArchitecturePage::addSequenceFields() {
  DocumentForm* f = form_;
  f->addField(
      {"model.embedding_size", tr("Embedding size:"), FieldKind::Integer, tr("Width of each token's embedding.")});
  f->addField({"model.hidden_size", tr("State size:"), FieldKind::Integer, tr("Width of the recurrent state.")});
  f->addField(
      {"model.layers", tr("Layers:"), FieldKind::Integer, tr("Stacked recurrent layers, or transformer blocks.")});
  f->addField(
      {"model.width", tr("Width:"), FieldKind::Integer, tr("Transformer width: embeddings and the residual stream.")});
  f->addField({"model.heads", tr("Attention heads:"), FieldKind::Integer, tr("The width must divide by it.")});
  f->addField({"model.position",
               tr("Positions:"),
               FieldKind::Choice,
               tr("Learned position embeddings, or rotary (RoPE)."),
               {{"learned", tr("learned")}, {"rotary", tr("rotary")}}});
  f->addField({"model.tie_weights", tr("Tie weights:"), FieldKind::Bool,
               tr("The output layer shares the token embedding's matrix (fewer parameters).")});
  f->addField(
      {"model.bidirectional", tr("Bidirectional:"), FieldKind::Bool, tr("A second stack reads the text backwards.")});
  f->addField({"model.pooling",
               tr("Pooling over tokens:"),
               FieldKind::Choice,
               tr("How a text's states become one vector: the last one, or the mean or max over its tokens."),
               {{"last", tr("last")}, {"mean", tr("mean")}, {"max", tr("max")}}});
  f->addField({"model.dropout", tr("Dropout:"), FieldKind::Number,
               tr("Share of activations zeroed while training, against overfitting.")});
}

// Beside the form: the layer table, the totals and the memory warning.
QWidget* ArchitecturePage::summaryPanel() {
  auto* side = new QWidget(this);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  table_ = new QTableWidget(0, 5, side);
  table_->setObjectName(QStringLiteral("layerTable"));
  table_->setHorizontalHeaderLabels({tr("Layer"), tr("Kind"), tr("Output shape"), tr("Parameters"), tr("FLOPs")});
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setMinimumWidth(360);
  sideLayout->addWidget(table_, 1);
  totals_ = new QLabel(side);
  totals_->setObjectName(QStringLiteral("modelTotals"));
  totals_->setWordWrap(true);
  totals_->setMinimumWidth(300);
  totals_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  sideLayout->addWidget(totals_);
  warning_ = new QLabel(side);
  warning_->setObjectName(QStringLiteral("memoryWarning"));
  warning_->setWordWrap(true);
  warning_->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;").arg(error_color(palette()).name()));
  warning_->hide();
  sideLayout->addWidget(warning_);
  sideLayout->addStretch();  // takes the room only while the table is hidden (a model folder's figures stay on top)

  return side;
}

void ArchitecturePage::setDataProfile(const DataProfile& profile) {
  profile_ = profile;
  updateSummary();
}

QString ArchitecturePage::totalsText() const { return totals_->text(); }
QString ArchitecturePage::memoryWarning() const { return warning_->isHidden() ? QString() : warning_->text(); }

void ArchitecturePage::updateSummary() {
  if (showModelFolderFigures()) return;
  table_->show();
  const auto experiment = document_->experiment();
  if (!profile_ || !experiment) return;
  ModelSummary summary;
  try {
    summary = summarize_experiment_model(*experiment, *profile_);
  } catch (const std::exception& error) {
    table_->setRowCount(0);
    totals_->setText(QString::fromStdString(error.what()));
    warning_->hide();
    return;
  }
  table_->setRowCount(static_cast<int>(summary.layers.size()));
  for (int i = 0; i < static_cast<int>(summary.layers.size()); ++i) {
    const LayerRow& layer = summary.layers[static_cast<size_t>(i)];
    QStringList shape;
    for (auto d : layer.output_shape) shape << QString::number(d);
    table_->setItem(i, 0, new QTableWidgetItem(QString::fromStdString(layer.name)));
    table_->setItem(i, 1, new QTableWidgetItem(QString::fromStdString(layer.kind)));
    table_->setItem(i, 2, new QTableWidgetItem(shape.join(QStringLiteral(" x "))));
    table_->setItem(i, 3, number_item(layer.parameters));
    auto* flops = new QTableWidgetItem(QString::fromStdString(format_count(static_cast<double>(layer.flops))));
    flops->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table_->setItem(i, 4, flops);
  }
  const TrainingMemory memory = estimate_training_memory(summary, experiment->train);
  totals_->setText(tr("Parameters: %1 (trainable %2)\nForward FLOPs per sample: %3\n"
                      "Training memory for a batch of %4: %5 (weights %6, gradients %7, optimizer state %8, "
                      "activations %9)")
                       .arg(QLocale().toString(static_cast<qlonglong>(summary.total_parameters)))
                       .arg(QLocale().toString(static_cast<qlonglong>(summary.trainable_parameters)))
                       .arg(QString::fromStdString(format_count(static_cast<double>(summary.flops))))
                       .arg(experiment->train.batch_size)
                       .arg(mebibytes(memory.total()), mebibytes(memory.weights), mebibytes(memory.gradients),
                            mebibytes(memory.optimizer_state), mebibytes(memory.activations)));
  const std::int64_t machine = physical_memory_bytes();
  const bool too_big = machine > 0 && memory.total() > machine * 8 / 10;
  warning_->setText(too_big ? tr("This needs more than 80% of this machine's %1 of memory: lower the batch size or the "
                                 "model's sizes.")
                                  .arg(mebibytes(machine))
                            : QString());
  warning_->setVisible(too_big);
}

bool ArchitecturePage::showModelFolderFigures() {
  const Json& doc = document_->json();
  const auto init_from = doc.find("init_from");
  if (init_from == doc.end() || !init_from->is_string() || init_from->get<std::string>().empty()) return false;
  // The folder itself, or the one the run named there was tuned from (SFT, then DPO, ...).
  const std::filesystem::path start =
      document_->resolve(QString::fromStdString(init_from->get<std::string>())).toStdString();
  const std::filesystem::path folder = hub_folder_behind(start);
  if (folder.empty()) return false;
  const QString folderName = QString::fromStdString(folder.filename().string());
  const QString name = folder == start
                           ? folderName
                           : tr("%1, tuned from %2")
                                 .arg(QString::fromStdString(start.lexically_normal().filename().string()), folderName);
  table_->hide();
  table_->setRowCount(0);
  try {
    const ModelFolderMemory m = model_folder_memory(load_hub_config(folder), doc);
    totals_->setText(describeModelFolderMemory(m, name));
    const bool too_big = m.machine > 0 && m.chosen.total() > m.machine * 8 / 10;
    warning_->setText(too_big ? tr("This needs more than 80% of this machine's %1 of memory: lower the batch size or "
                                   "the context, or use LoRA and gradient checkpointing.")
                                    .arg(mebibytes(m.machine))
                              : QString());
    warning_->setVisible(too_big);
  } catch (const std::exception& error) {
    totals_->setText(QString::fromStdString(error.what()));
    warning_->hide();
  }
  return true;
}

QString ArchitecturePage::describeModelFolderMemory(const ModelFolderMemory& m, const QString& name) const {
  const HubModelConfig& c = m.config;
  QString text = tr("%1: %2, %3 parameters; %4 layers, width %5, %6 heads (%7 key/value), context up to %8.")
                     .arg(name, QString::fromStdString(to_string(c.architecture)),
                          QLocale().toString(static_cast<qlonglong>(c.parameters())))
                     .arg(c.num_hidden_layers)
                     .arg(c.hidden_size)
                     .arg(c.num_attention_heads)
                     .arg(c.num_key_value_heads)
                     .arg(QLocale().toString(static_cast<qlonglong>(c.max_position_embeddings)));
  text +=
      QStringLiteral("\n\n") +
      tr("A training step at batch %1, context %2 (estimated tensors):").arg(m.options.batch).arg(m.options.context);
  const auto line = [](const QString& what, const FineTuningMemory& memory) {
    return QStringLiteral("\n  ") +
           tr("%1: %2 (%3 trainable)")
               .arg(what, mebibytes(memory.total()), QLocale().toString(static_cast<qlonglong>(memory.trainable)));
  };
  text += line(tr("this experiment"), m.chosen);
  text += line(tr("full fine-tuning"), m.full);
  text += line(tr("LoRA, gradient checkpointing"), m.lora_checkpointed);
  if (m.machine > 0) text += QStringLiteral("\n\n") + tr("This machine has %1 of memory.").arg(mebibytes(m.machine));
  return text;
}

}  // namespace cradle
