#include "widgets/generation_playground.h"

#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/eval/text_generation.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_text_generator.h"

namespace cradle {
namespace {

// The continuation and how it went, or why it failed: the worker never throws across threads.
struct PlaygroundOutcome {
  Generation generation;
  QString error;
};

QDoubleSpinBox* real_box(QWidget* parent, double low, double high, double step, int decimals) {
  auto* box = new QDoubleSpinBox(parent);
  box->setRange(low, high);
  box->setSingleStep(step);
  box->setDecimals(decimals);
  return box;
}

}  // namespace

GenerationPlayground::GenerationPlayground(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("generationPlayground"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  prompt_ = new QPlainTextEdit(this);
  prompt_->setObjectName(QStringLiteral("playgroundPrompt"));
  prompt_->setPlaceholderText(tr("A prompt to continue (a chat model answers it)"));
  prompt_->setMaximumHeight(90);
  layout->addWidget(prompt_);

  // The sampling settings in two rows of three: one row was wider than the
  // Evaluate and Model tabs at 1024x768.
  auto* controls = new QGridLayout;
  int placed = 0;
  const auto add = [&](const QString& label, QWidget* box, const QString& tip) {
    auto* text = new QLabel(label, this);
    text->setToolTip(tip);
    box->setToolTip(tip);
    const int row = placed / 3, column = (placed % 3) * 2;
    controls->addWidget(text, row, column);
    controls->addWidget(box, row, column + 1);
    ++placed;
  };
  temperature_ = real_box(this, 0, 5, 0.1, 2);
  add(tr("Temperature"), temperature_, tr("0 picks the likeliest token every time; higher is more varied"));
  topK_ = new QSpinBox(this);
  topK_->setRange(0, 100000);
  add(tr("Top-k"), topK_, tr("Keep only the k likeliest tokens (0: all)"));
  topP_ = real_box(this, 0.01, 1, 0.05, 2);
  add(tr("Top-p"), topP_, tr("Keep the fewest likeliest tokens whose probability reaches p"));
  repetition_ = real_box(this, 0.5, 3, 0.05, 2);
  add(tr("Repetition penalty"), repetition_, tr("Above 1 discourages tokens already in the text"));
  maxTokens_ = new QSpinBox(this);
  maxTokens_->setRange(1, 4096);
  add(tr("Max tokens"), maxTokens_, tr("The longest continuation"));
  seed_ = new QSpinBox(this);
  seed_->setRange(0, 1000000);
  add(tr("Seed"), seed_, tr("The same seed and settings give the same text"));
  controls->setColumnStretch(6, 1);  // the pairs keep to the left
  layout->addLayout(controls);

  auto* buttons = new QHBoxLayout;
  generate_ = new QPushButton(tr("Generate"), this);
  generate_->setObjectName(QStringLiteral("generateButton"));
  stopButton_ = new QPushButton(tr("Stop"), this);
  stopButton_->setObjectName(QStringLiteral("stopGeneration"));
  buttons->addWidget(generate_);
  buttons->addWidget(stopButton_);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("generationStatus"));
  buttons->addWidget(status_, 1);
  layout->addLayout(buttons);
  output_ = new QPlainTextEdit(this);
  output_->setObjectName(QStringLiteral("generatedText"));
  output_->setReadOnly(true);
  layout->addWidget(output_, 1);
  connect(generate_, &QPushButton::clicked, this, [this] { generate(prompt_->toPlainText()); });
  connect(stopButton_, &QPushButton::clicked, this, &GenerationPlayground::stop);
  // The evaluation report's sampling (livelier than plain sampling): the playground starts where the report's
  // samples were drawn.
  setSampling(EvaluationRequest::default_report_sampling());
  setModel(nullptr);
}

GenerationPlayground::~GenerationPlayground() {
  if (stop_) *stop_ = true;  // a generation still running ends at its next token
}

void GenerationPlayground::setModel(std::shared_ptr<PlaygroundModel> model) {
  if (stop_) *stop_ = true;
  jobs_.invalidate();
  model_ = std::move(model);
  output_->clear();
  status_->setText(model_ ? QString() : tr("No language model loaded."));
  setBusy(false);
}

void GenerationPlayground::setSampling(const SamplingOptions& s) {
  maxTokens_->setValue(static_cast<int>(s.max_new_tokens));
  temperature_->setValue(s.temperature);
  topK_->setValue(static_cast<int>(s.top_k));
  topP_->setValue(s.top_p);
  repetition_->setValue(s.repetition_penalty);
  seed_->setValue(static_cast<int>(s.seed));
}

SamplingOptions GenerationPlayground::sampling() const {
  SamplingOptions options;
  options.max_new_tokens = maxTokens_->value();
  options.temperature = temperature_->value();
  options.top_k = topK_->value();
  options.top_p = topP_->value();
  options.repetition_penalty = repetition_->value();
  options.seed = static_cast<std::uint64_t>(seed_->value());
  return options;
}

void GenerationPlayground::generate(const QString& prompt) {
  if (!model_ || prompt.isEmpty() || busy()) return;
  prompt_->setPlainText(prompt);
  const SamplingOptions options = sampling();
  stop_ = std::make_shared<std::atomic<bool>>(false);
  const auto stop = stop_;
  const auto model = model_;
  output_->setPlainText(model->chat ? prompt + QStringLiteral("\n\n") : prompt);
  status_->setText(tr("Generating…"));
  setBusy(true);
  QPointer<GenerationPlayground> self(this);
  jobs_.start<PlaygroundOutcome>(
      this,
      [model, prompt, options, stop, self] {
        PlaygroundOutcome outcome;
        const auto sink = [stop, self](const std::string& piece) {
          // Each piece goes to the window as it comes; the worker never touches widgets.
          QMetaObject::invokeMethod(
              self.data() ? static_cast<QObject*>(self.data()) : QCoreApplication::instance(),
              [self, text = QString::fromStdString(piece)] {
                if (!self) return;
                self->output_->moveCursor(QTextCursor::End);
                self->output_->insertPlainText(text);
              },
              Qt::QueuedConnection);
          return !stop->load();
        };
        try {
          check_sampling_options(options);
          TextGenerator generator =
              model_text_generator(model->model, model->tokenizer, model->context_length, model->spec);
          generator.cancel_when([stop] { return stop->load(); });  // checked every token, text or not
          outcome.generation =
              model->chat ? generator.generate_from(
                                user_turn_prompt(model->spec, model->tokenizer, prompt.toStdString()), options, sink)
                          : generator.generate(prompt.toStdString(), options, sink);
        } catch (const std::exception& e) {
          outcome.error = QString::fromUtf8(e.what());
        }
        return outcome;
      },
      [this](const PlaygroundOutcome& outcome) {
        setBusy(false);
        if (!outcome.error.isEmpty()) {
          status_->setText(tr("Failed: %1").arg(outcome.error));
        } else {
          const auto& g = outcome.generation;
          const QString count = g.tokens.size() == 1 ? tr("1 token") : tr("%1 tokens").arg(g.tokens.size());
          status_->setText(tr("%1, %2 tokens/s; finished: %3")
                               .arg(count)
                               .arg(g.tokens_per_second, 0, 'f', 0)
                               .arg(QString::fromStdString(g.finish_reason)));
        }
        Q_EMIT finished();
      });
}

void GenerationPlayground::stop() {
  if (stop_) *stop_ = true;
}

QString GenerationPlayground::text() const { return output_->toPlainText(); }
QString GenerationPlayground::status() const { return status_->text(); }

void GenerationPlayground::setBusy(bool busy) {
  generate_->setEnabled(!busy && model_ != nullptr);
  stopButton_->setEnabled(busy);
}

}  // namespace cradle
