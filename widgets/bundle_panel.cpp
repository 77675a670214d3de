#include "widgets/bundle_panel.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

#include "core/common/error.h"
#include "core/export/bundle_prediction.h"
#include "core/export/image_backbone_bundle.h"
#include "core/export/model_bundle.h"
#include "core/hub/hub_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/image_backbone.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/run_weights.h"
#include "widgets/generation_playground.h"
#include "widgets/palette_colors.h"

namespace cradle {
namespace {

enum TryPage { kFilesPage = 0, kTextsPage = 1, kGeneratePage = 2 };

QString describe_number(double value) { return QString::number(value, 'g', 4); }

// One failed prediction naming what went wrong: the worker never throws across threads.
std::vector<BundlePrediction> failed(const QString& what, const std::exception& error) {
  BundlePrediction p;
  p.input = what.toStdString();
  p.error = error.what();
  return {p};
}

}  // namespace

BundlePanel::BundlePanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  title_ = new QLabel(tr("No model bundle open"), this);
  title_->setObjectName(QStringLiteral("bundleTitle"));
  QFont big = title_->font();
  big.setPointSizeF(big.pointSizeF() * 1.3);
  big.setBold(true);
  title_->setFont(big);
  layout->addWidget(title_);
  hint_ = new QLabel(
      tr("File ▸ Open Model Bundle… opens a folder written by <tt>cradle-cli export</tt> or a <tt>.cradle</tt> file."),
      this);
  hint_->setWordWrap(true);
  layout->addWidget(hint_);
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("bundleError"));
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->hide();
  layout->addWidget(error_);

  // What the bundle is and its card on the left, trying it on the right; a
  // splitter between each, and the facts scroll rather than squeeze the card.
  auto* row = new QSplitter(Qt::Horizontal, this);
  row->setChildrenCollapsible(false);
  infoSplitter_ = new QSplitter(Qt::Vertical, row);
  infoSplitter_->setChildrenCollapsible(false);
  factsBox_ = new QGroupBox(tr("Bundle"), infoSplitter_);
  auto* factsBox = factsBox_;
  auto* factsBoxLayout = new QVBoxLayout(factsBox);
  factsScroll_ = new QScrollArea(factsBox);
  factsScroll_->setObjectName(QStringLiteral("bundleFacts"));
  factsScroll_->setWidgetResizable(true);
  factsScroll_->setFrameShape(QFrame::NoFrame);
  auto* factsWidget = new QWidget;
  facts_ = new QFormLayout(factsWidget);
  facts_->setLabelAlignment(Qt::AlignRight);
  facts_->setContentsMargins(0, 0, 0, 0);
  factsScroll_->setWidget(factsWidget);
  factsBoxLayout->addWidget(factsScroll_);
  auto* cardBox = new QGroupBox(tr("Model card"), infoSplitter_);
  auto* cardLayout = new QVBoxLayout(cardBox);
  cardView_ = new QTextBrowser(cardBox);
  cardView_->setObjectName(QStringLiteral("modelCard"));
  cardView_->setMinimumHeight(kCardMinimumHeight);
  cardLayout->addWidget(cardView_);
  infoSplitter_->addWidget(factsBox);
  infoSplitter_->addWidget(cardBox);
  infoSplitter_->setStretchFactor(0, 2);
  infoSplitter_->setStretchFactor(1, 3);

  auto* tryBox = new QGroupBox(tr("Try it"), row);
  auto* tryLayout = new QVBoxLayout(tryBox);
  tryLayout_ = tryLayout;
  tryStack_ = new QStackedWidget(tryBox);
  // Files: images or CSV tables.
  auto* filesPage = new QWidget(tryStack_);
  auto* filesLayout = new QHBoxLayout(filesPage);
  filesLayout->setContentsMargins(0, 0, 0, 0);
  chooseFiles_ = new QPushButton(tr("Choose Files…"), filesPage);
  chooseFiles_->setObjectName(QStringLiteral("chooseFiles"));
  filesLayout->addWidget(chooseFiles_);
  filesLayout->addStretch(1);
  connect(chooseFiles_, &QPushButton::clicked, this, &BundlePanel::chooseFiles);
  tryStack_->addWidget(filesPage);
  // Texts for a classifier, one per line.
  auto* textsPage = new QWidget(tryStack_);
  auto* textsLayout = new QVBoxLayout(textsPage);
  textsLayout->setContentsMargins(0, 0, 0, 0);
  texts_ = new QPlainTextEdit(textsPage);
  texts_->setPlaceholderText(tr("One text per line"));
  texts_->setMaximumHeight(120);
  classify_ = new QPushButton(tr("Classify"), textsPage);
  classify_->setObjectName(QStringLiteral("classifyTexts"));
  textsLayout->addWidget(texts_);
  textsLayout->addWidget(classify_, 0, Qt::AlignLeft);
  connect(classify_, &QPushButton::clicked, this, [this] {
    QStringList lines;
    for (const auto& line : texts_->toPlainText().split(QLatin1Char('\n')))
      if (!line.trimmed().isEmpty()) lines << line;
    if (!lines.isEmpty()) predictTexts(lines);
  });
  tryStack_->addWidget(textsPage);
  // A language model: the generation playground.
  playground_ = new GenerationPlayground(tryStack_);
  connect(playground_, &GenerationPlayground::finished, this, &BundlePanel::generationFinished);
  tryStack_->addWidget(playground_);
  tryLayout->addWidget(tryStack_);

  predictions_ = new QTableWidget(0, 4, tryBox);
  predictions_->setObjectName(QStringLiteral("bundlePredictions"));
  predictions_->setHorizontalHeaderLabels({tr("Input"), tr("Prediction"), tr("Probability"), tr("Also likely")});
  predictions_->horizontalHeader()->setStretchLastSection(true);
  predictions_->verticalHeader()->setVisible(false);
  predictions_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  predictions_->setIconSize(QSize(40, 40));
  tryLayout->addWidget(predictions_, 1);
  row->addWidget(infoSplitter_);
  row->addWidget(tryBox);
  layout->addWidget(row, 1);
  tryBox->setEnabled(false);
  setObjectName(QStringLiteral("bundlePanel"));
}

BundlePanel::~BundlePanel() = default;

QString BundlePanel::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

QString BundlePanel::inputKind() const {
  if (modelFolder_) return QStringLiteral("language_model");
  if (!bundle_) return {};
  if (bundle_->experiment.task == Task::LanguageModel) return QStringLiteral("language_model");
  return QString::fromStdString(bundle_->input.kind);
}

bool BundlePanel::openBundle(const QString& path) {
  std::shared_ptr<ModelBundle> opened;
  try {
    opened = std::make_shared<ModelBundle>(open_bundle(path.toStdString()));
  } catch (const std::exception& e) {
    showProblem(tr("Could not open %1: %2").arg(path, QString::fromUtf8(e.what())));
    return false;
  }
  showBundle(opened, path);
  title_->setText(tr("%1 — %2").arg(QString::fromStdString(opened->experiment.name), QFileInfo(path).fileName()));
  factsBox_->setTitle(tr("Bundle"));
  return true;
}

// An ImageNet backbone folder opens as a bundle of its own (core/export/image_backbone_bundle.h).
bool BundlePanel::openImageBackbone(const QString& folder) {
  std::shared_ptr<ModelBundle> opened;
  try {
    opened = std::make_shared<ModelBundle>(open_image_backbone_bundle(folder.toStdString()));
  } catch (const std::exception& e) {
    showProblem(tr("Could not open %1: %2").arg(folder, QString::fromUtf8(e.what())));
    return false;
  }
  showBundle(opened, folder);
  title_->setText(tr("%1 — an ImageNet backbone folder").arg(QFileInfo(folder).fileName()));
  factsBox_->setTitle(tr("Model folder"));
  return true;
}

void BundlePanel::showBundle(const std::shared_ptr<ModelBundle>& opened, const QString& path) {
  jobs_.invalidate();  // an answer from the previous bundle is dropped
  bundle_ = opened;
  modelFolder_ = false;
  path_ = path;
  const ModelBundle& b = *bundle_;
  const Json& m = b.manifest;
  clearFacts();
  const auto add = [this](const QString& label, const QString& value) { addFact(label, value); };
  add(tr("Task"), QString::fromStdString(
                      to_string(b.experiment.task) +
                      (b.experiment.stage != Stage::Pretrain ? " (" + to_string(b.experiment.stage) + ")" : "")));
  QString model = QString::fromStdString(b.experiment.model.type);
  if (m.contains("model") && m["model"].value("parameters", 0) > 0)
    model += tr(", %L1 parameters").arg(static_cast<qlonglong>(m["model"]["parameters"].get<std::int64_t>()));
  add(tr("Model"), model);
  add(tr("Input"), QString::fromStdString(b.input.kind + " " + Json(b.input.shape).dump()));
  if (!b.class_names.empty()) {
    QStringList names;
    for (std::size_t i = 0; i < b.class_names.size() && i < 12; ++i) names << QString::fromStdString(b.class_names[i]);
    if (b.class_names.size() > 12) names << QStringLiteral("…");
    add(tr("Classes"), tr("%1: %2").arg(b.class_names.size()).arg(names.join(QStringLiteral(", "))));
  }
  if (m.contains("test_metrics") && m["test_metrics"].is_object()) {
    QStringList metrics;
    for (const auto& [name, value] : m["test_metrics"].items())
      if (value.is_number() && metrics.size() < 6)
        metrics << QStringLiteral("%1 %2").arg(QString::fromStdString(name), describe_number(value.get<double>()));
    if (!metrics.isEmpty()) add(tr("Test metrics"), metrics.join(QStringLiteral(", ")));
  }
  if (m.contains("onnx")) {
    QStringList checks;
    for (const auto& check : m["onnx"].value("runtime_checks", Json::array()))
      checks << tr("%1: max difference %2")
                    .arg(QString::fromStdString(check.value("runtime", "")),
                         describe_number(check.value("max_abs_difference", 0.0)));
    add(tr("ONNX"),
        tr("opset %1, checked — %2").arg(m["onnx"].value("opset", 0)).arg(checks.join(QStringLiteral("; "))));
  }
  if (m.contains("created_at"))
    add(tr("Exported"), QString::fromStdString(m.value("created_at", "") + " from " + m.value("source_run", "")));
  QFile card(QDir(QString::fromStdString(b.dir.string())).filePath(QString::fromStdString(b.card_file.string())));
  card_ = card.open(QIODevice::ReadOnly) ? QString::fromUtf8(card.readAll()) : QString();
  cardView_->setMarkdown(card_.isEmpty() ? tr("*This model has no model card.*") : card_);
  giveFactsRoom();

  std::shared_ptr<PlaygroundModel> playing;
  if (inputKind() == QLatin1String("language_model")) {
    playing = std::make_shared<PlaygroundModel>();
    playing->model = bundle_->model;
    playing->tokenizer = bundle_->tokenizer;
    playing->context_length = bundle_->input.shape.at(0);
    playing->chat = is_chat_policy(bundle_->experiment);
    playing->spec = bundle_->experiment.model;
  }
  showTryPage(inputKind(), playing);
}

bool BundlePanel::openModelFolder(const QString& folder) {
  if (is_image_backbone_folder(folder.toStdString())) return openImageBackbone(folder);
  std::shared_ptr<PlaygroundModel> playing = std::make_shared<PlaygroundModel>();
  HubModelConfig config;
  std::string tokenizer_kind;
  try {
    const std::filesystem::path where = folder.toStdString();
    if (!is_hub_model_folder(where))
      throw ConfigError(where.string() + ": not a Hugging Face model folder (config.json and model.safetensors)");
    const RunLanguageModel loaded = load_model_folder_language_model(where);
    const auto architecture = pretrained_language_model(loaded.model);
    config = architecture->config();
    const auto tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(loaded.tokenizer);
    tokenizer_kind = tokenizer->kind();
    playing->model = loaded.model;
    playing->tokenizer = loaded.tokenizer;
    playing->context_length = loaded.experiment.data.context_length;
    playing->chat = !tokenizer->chat_template().empty();
    playing->spec = loaded.experiment.model;
  } catch (const std::exception& e) {
    showProblem(tr("Could not open %1: %2").arg(folder, QString::fromUtf8(e.what())));
    return false;
  }
  jobs_.invalidate();
  bundle_.reset();
  modelFolder_ = true;
  path_ = folder;
  title_->setText(tr("%1 — a Hugging Face model folder").arg(QFileInfo(folder).fileName()));
  factsBox_->setTitle(tr("Model folder"));
  clearFacts();
  addFact(tr("Architecture"), QString::fromStdString(to_string(config.architecture) + " (" + config.model_type + ")"));
  addFact(tr("Parameters"), QStringLiteral("%L1").arg(static_cast<qlonglong>(config.parameters())));
  addFact(tr("Shape"), tr("%1 layers, width %2, %3 heads (%4 key/value), intermediate %5")
                           .arg(config.num_hidden_layers)
                           .arg(config.hidden_size)
                           .arg(config.num_attention_heads)
                           .arg(config.num_key_value_heads)
                           .arg(config.intermediate_size));
  addFact(
      tr("Vocabulary"),
      tr("%L1 tokens (%2)").arg(static_cast<qlonglong>(config.vocab_size)).arg(QString::fromStdString(tokenizer_kind)));
  addFact(tr("Context"), tr("%L1 positions").arg(static_cast<qlonglong>(config.max_position_embeddings)));
  addFact(tr("Weights"), tr("%1, computed in float32")
                             .arg(config.torch_dtype.empty() ? tr("stored type not stated")
                                                             : QString::fromStdString(config.torch_dtype)));
  addFact(tr("Chat"), playing->chat ? tr("its own chat template: a prompt is the user's turn")
                                    : tr("no chat template: a prompt is continued as text"));
  QFile readme(QDir(folder).filePath(QStringLiteral("README.md")));
  card_ = readme.open(QIODevice::ReadOnly) ? QString::fromUtf8(readme.readAll()) : QString();
  cardView_->setMarkdown(card_.isEmpty() ? tr("*This folder has no README.md (the Hub's model card).*") : card_);
  giveFactsRoom();
  showTryPage(inputKind(), playing);
  return true;
}

void BundlePanel::showProblem(const QString& text) {
  error_->setStyleSheet(QStringLiteral("color: %1").arg(error_color(palette()).name()));
  error_->setText(text);
  error_->show();
}

void BundlePanel::clearFacts() {
  error_->hide();
  hint_->hide();
  while (facts_->rowCount() > 0) facts_->removeRow(0);
}

void BundlePanel::addFact(const QString& label, const QString& value) {
  auto* text = new QLabel(value);
  text->setWordWrap(true);
  text->setTextInteractionFlags(Qt::TextSelectableByMouse);
  facts_->addRow(label, text);
}

void BundlePanel::showTryPage(const QString& kind, std::shared_ptr<PlaygroundModel> playing) {
  const bool language_model = kind == QLatin1String("language_model");
  tryStack_->setCurrentIndex(language_model ? kGeneratePage : kind == QLatin1String("text") ? kTextsPage : kFilesPage);
  // The stack takes the height of the page shown (the others are ignored), and the
  // predictions table, or a language model's output, the rest.
  for (int i = 0; i < tryStack_->count(); ++i)
    tryStack_->widget(i)->setSizePolicy(QSizePolicy::Preferred,
                                        i == tryStack_->currentIndex() ? QSizePolicy::Maximum : QSizePolicy::Ignored);
  if (language_model) tryStack_->widget(kGeneratePage)->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
  tryLayout_->setStretch(0, language_model ? 1 : 0);
  tryStack_->adjustSize();
  chooseFiles_->setText(kind == QLatin1String("table") ? tr("Choose CSV Files…") : tr("Choose Images…"));
  predictions_->setVisible(kind != QLatin1String("language_model"));
  predictions_->setRowCount(0);
  playground_->setModel(language_model ? std::move(playing) : nullptr);
  tryStack_->parentWidget()->setEnabled(true);
  setBusy(false);
}

void BundlePanel::giveFactsRoom() {
  const QList<int> sizes = infoSplitter_->sizes();
  const int total = sizes.value(0) + sizes.value(1);
  if (total <= 0) return;  // not laid out yet: the stretch factors share it out
  // The facts whole where the card keeps its minimum; beyond that they scroll.
  auto* box = infoSplitter_->widget(0);
  const int chrome = box->sizeHint().height() - factsScroll_->sizeHint().height();
  const int wanted = chrome + factsScroll_->widget()->sizeHint().height() + 4;
  const int facts = std::clamp(wanted, std::min(total / 3, total - kCardMinimumHeight),
                               std::max(total / 3, total - kCardMinimumHeight - 40));
  infoSplitter_->setSizes({facts, total - facts});
}

void BundlePanel::chooseFiles() {
  const bool table = inputKind() == QLatin1String("table");
  const QStringList files = QFileDialog::getOpenFileNames(
      this, table ? tr("Rows to Predict") : tr("Images to Classify"), QString(),
      table ? tr("CSV files (*.csv);;All files (*)") : tr("Images (*.png *.jpg *.jpeg *.bmp);;All files (*)"));
  if (!files.isEmpty()) predictFiles(files);
}

void BundlePanel::predictFiles(const QStringList& files) {
  if (!bundle_) return;
  const auto bundle = bundle_;
  const bool images = inputKind() == QLatin1String("image");
  std::vector<std::filesystem::path> paths;
  for (const auto& f : files) paths.emplace_back(f.toStdString());
  setBusy(true);
  jobs_.start<std::vector<BundlePrediction>>(
      this,
      [bundle, paths, images] {
        try {
          return images ? predict_images(*bundle, paths, 3) : predict_table_rows(*bundle, paths, 3);
        } catch (const std::exception& e) {
          return failed(QStringLiteral("files"), e);
        }
      },
      [this, images](const std::vector<BundlePrediction>& predictions) { showPredictions(predictions, images); });
}

void BundlePanel::predictTexts(const QStringList& texts) {
  if (!bundle_) return;
  const auto bundle = bundle_;
  std::vector<std::string> inputs;
  for (const auto& t : texts) inputs.push_back(t.toStdString());
  setBusy(true);
  jobs_.start<std::vector<BundlePrediction>>(
      this,
      [bundle, inputs] {
        try {
          return classify_texts(*bundle, inputs, 3);
        } catch (const std::exception& e) {
          return failed(QStringLiteral("texts"), e);
        }
      },
      [this](const std::vector<BundlePrediction>& predictions) { showPredictions(predictions, false); });
}

void BundlePanel::showPredictions(const std::vector<BundlePrediction>& predictions, bool images) {
  setBusy(false);
  predictions_->setRowCount(0);
  for (const auto& p : predictions) {
    const int row = predictions_->rowCount();
    predictions_->insertRow(row);
    const QString input = QString::fromStdString(p.input);
    auto* inputItem = new QTableWidgetItem(images ? QFileInfo(input).fileName() : input);
    inputItem->setToolTip(input);
    if (images && p.error.empty())
      inputItem->setIcon(QIcon(QPixmap(input).scaled(40, 40, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    predictions_->setItem(row, 0, inputItem);
    if (!p.error.empty()) {  // "error" as the prediction, the message in the last (stretching) column
      for (const int column : {1, 3}) {
        auto* error = new QTableWidgetItem(column == 1 ? tr("error") : QString::fromStdString(p.error));
        error->setForeground(error_color(palette()));
        error->setToolTip(QString::fromStdString(p.error));
        predictions_->setItem(row, column, error);
      }
      continue;
    }
    if (p.value) {
      predictions_->setItem(row, 1, new QTableWidgetItem(describe_number(*p.value)));
      continue;
    }
    if (p.top.empty()) continue;
    predictions_->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(p.top.front().label)));
    predictions_->setItem(row, 2,
                          new QTableWidgetItem(QStringLiteral("%1%").arg(100 * p.top.front().probability, 0, 'f', 1)));
    QStringList others;
    for (std::size_t i = 1; i < p.top.size(); ++i)
      others << QStringLiteral("%1 %2%")
                    .arg(QString::fromStdString(p.top[i].label))
                    .arg(100 * p.top[i].probability, 0, 'f', 1);
    predictions_->setItem(row, 3, new QTableWidgetItem(others.join(QStringLiteral(", "))));
  }
  predictions_->resizeColumnsToContents();
  predictions_->resizeRowsToContents();
  Q_EMIT predictionsReady();
}

void BundlePanel::generate(const QString& prompt, int max_tokens, double temperature, int seed) {
  if (inputKind() != QLatin1String("language_model")) return;
  SamplingOptions sampling = playground_->sampling();
  sampling.max_new_tokens = max_tokens;
  sampling.temperature = temperature;
  sampling.seed = static_cast<std::uint64_t>(seed);
  playground_->setSampling(sampling);
  playground_->generate(prompt);
}

void BundlePanel::stopGeneration() { playground_->stop(); }

bool BundlePanel::busy() const { return jobs_.busy() || playground_->busy(); }

QString BundlePanel::generatedText() const { return playground_->text(); }
QString BundlePanel::generationStatus() const { return playground_->status(); }

void BundlePanel::setBusy(bool busy) {
  chooseFiles_->setEnabled(!busy);
  classify_->setEnabled(!busy);
}

}  // namespace cradle
