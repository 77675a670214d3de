#pragma once
// The generation playground: a language model (a run's or a bundle's) given a
// prompt and the sampling controls — temperature, top-k, top-p, repetition
// penalty, max tokens, seed — with the continuation streamed into the view
// token by token from a worker thread (the window never freezes), tokens/s
// and why it finished shown after, and Stop ending it at the next token. A
// chat model answers the prompt as the user's turn, its reply on its own line.
#include <QString>
#include <QWidget>

#include <atomic>
#include <memory>

#include <torch/nn/modules/container/sequential.h>

#include "core/eval/text_generation.h"
#include "core/experiment/model_spec.h"
#include "core/text/tokenizer.h"
#include "widgets/background_job.h"

class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace cradle {

struct PlaygroundModel {
  torch::nn::Sequential model{nullptr};
  std::shared_ptr<const Tokenizer> tokenizer;
  std::int64_t context_length = 0;
  bool chat = false;  // a fine-tuned policy: the prompt is the user's turn
  ModelSpec spec;     // a model from a Hugging Face folder speaks its own chat template (core/run/run_text_generator.h)
};

class GenerationPlayground : public QWidget {
  Q_OBJECT

 public:
  explicit GenerationPlayground(QWidget* parent = nullptr);
  ~GenerationPlayground() override;

  // The model to play with; null disables the playground.
  void setModel(std::shared_ptr<PlaygroundModel> model);
  bool hasModel() const { return model_ != nullptr; }

  // The controls' sampling settings (max tokens, temperature, top-k, top-p,
  // repetition penalty, seed; the other options keep their defaults).
  void setSampling(const SamplingOptions& options);
  SamplingOptions sampling() const;

  // Starts generating after `prompt` with the controls' settings.
  void generate(const QString& prompt);
  void stop();
  bool busy() const { return jobs_.busy(); }
  QString text() const;
  QString status() const;

 Q_SIGNALS:
  void finished();

 private:
  void setBusy(bool busy);

  std::shared_ptr<PlaygroundModel> model_;
  std::shared_ptr<std::atomic<bool>> stop_;
  BackgroundJobs jobs_;
  QPlainTextEdit* prompt_ = nullptr;
  QSpinBox* maxTokens_ = nullptr;
  QDoubleSpinBox* temperature_ = nullptr;
  QSpinBox* topK_ = nullptr;
  QDoubleSpinBox* topP_ = nullptr;
  QDoubleSpinBox* repetition_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QPushButton* generate_ = nullptr;
  QPushButton* stopButton_ = nullptr;
  QPlainTextEdit* output_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace cradle
