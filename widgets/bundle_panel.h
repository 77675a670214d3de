#pragma once
// The Model tab: a model bundle (core/export/model_bundle.h, a folder or a
// .cradle file) opened in the studio — what it is (task, input, classes, the
// ONNX checks), its model card, and a place to try it: image or CSV files for
// image and table models, texts for text classifiers, a prompt for language
// models with the continuation streamed in as it is generated. A Hugging Face
// model folder opens here too, so a downloaded model can be tried before it is
// tuned: its facts, its README as the card, and the playground (answering in
// the model's own chat template where it has one). The model runs on a worker
// thread, so the window never freezes; Stop ends a generation.
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

#include "widgets/background_job.h"

class QFormLayout;
class QGroupBox;
class QScrollArea;
class QSplitter;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QTextBrowser;
class QVBoxLayout;

namespace cradle {

struct ModelBundle;
struct BundlePrediction;

class BundlePanel : public QWidget {
  Q_OBJECT

 public:
  explicit BundlePanel(QWidget* parent = nullptr);
  ~BundlePanel() override;

  // Opens a bundle folder or .cradle file; false with the reason in errorText(),
  // keeping what was open before.
  bool openBundle(const QString& path);
  // Opens a Hugging Face model folder (config.json, safetensors, tokenizer.json)
  // or an ImageNet backbone folder (model.safetensors in torchvision's names);
  // false with the reason in errorText(), keeping what was open before.
  bool openModelFolder(const QString& folder);
  QString bundlePath() const { return path_; }
  QString errorText() const;
  QString inputKind() const;  // "image", "table", "text", "language_model"; empty when none is open

  // Predicts (on a worker thread; predictionsReady() when the table is filled).
  void predictFiles(const QStringList& files);  // image and table models
  void predictTexts(const QStringList& texts);  // text classifiers
  // Language models: generates after `prompt`, streamed into generatedText().
  void generate(const QString& prompt, int max_tokens = 64, double temperature = 0.8, int seed = 0);
  void stopGeneration();
  bool busy() const;

  QTableWidget* predictionsTable() const { return predictions_; }
  QString generatedText() const;
  QString generationStatus() const;
  QString cardMarkdown() const { return card_; }

 Q_SIGNALS:
  void predictionsReady();
  void generationFinished();

 private:
  bool openImageBackbone(const QString& folder);
  // Lays out an opened bundle's facts, card and try page; the caller sets the title.
  void showBundle(const std::shared_ptr<ModelBundle>& opened, const QString& path);
  void chooseFiles();
  void giveFactsRoom();  // after a bundle opens: its facts whole where the card keeps room
  void showProblem(const QString& text);
  void clearFacts();
  void addFact(const QString& label, const QString& value);
  // The Try box for `kind` ("image", "table", "text", "language_model"), with `playing` in the playground.
  void showTryPage(const QString& kind, std::shared_ptr<struct PlaygroundModel> playing);
  void showPredictions(const std::vector<BundlePrediction>& predictions, bool images);
  void setBusy(bool busy);

  QString path_;
  QString card_;
  std::shared_ptr<ModelBundle> bundle_;
  bool modelFolder_ = false;  // a Hugging Face model folder is open (bundle_ is null)
  BackgroundJobs jobs_;

  QLabel* title_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* error_ = nullptr;
  static constexpr int kCardMinimumHeight = 150;
  QSplitter* infoSplitter_ = nullptr;
  QGroupBox* factsBox_ = nullptr;  // "Bundle" or "Model folder"
  QScrollArea* factsScroll_ = nullptr;
  QFormLayout* facts_ = nullptr;
  QTextBrowser* cardView_ = nullptr;
  QVBoxLayout* tryLayout_ = nullptr;
  QStackedWidget* tryStack_ = nullptr;
  QPushButton* chooseFiles_ = nullptr;
  QPlainTextEdit* texts_ = nullptr;
  QPushButton* classify_ = nullptr;
  QTableWidget* predictions_ = nullptr;
  class GenerationPlayground* playground_ = nullptr;
};

}  // namespace cradle
