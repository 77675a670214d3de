#include "widgets/rating_setup_form.h"

#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace cradle {

RatingSetupForm::RatingSetupForm(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* form = new QFormLayout;
  form->setLabelAlignment(Qt::AlignRight);
  layout->addLayout(form);

  generate_ = new QRadioButton(tr("Generate two replies per prompt"), this);
  generate_->setObjectName(QStringLiteral("generateCandidates"));
  fromFile_ = new QRadioButton(tr("Rate the pairs in a file"), this);
  fromFile_->setObjectName(QStringLiteral("pairsFromFile"));
  generate_->setChecked(true);
  auto* sourceRow = new QHBoxLayout;
  sourceRow->addWidget(generate_);
  sourceRow->addWidget(fromFile_);
  sourceRow->addStretch(1);
  form->addRow(tr("Candidates:"), sourceRow);

  prompts_ = pathRow(tr("prompts.jsonl, or a text file with one prompt per line"), false, form, tr("Prompts:"));
  prompts_->setObjectName(QStringLiteral("ratingPrompts"));
  runA_ =
      pathRow(tr("a chat run folder (sft, dpo or ppo) or a Hugging Face model folder"), true, form, tr("Policy run:"));
  runA_->setObjectName(QStringLiteral("ratingRunA"));
  runB_ = pathRow(tr("optional: a second run, one reply from each"), true, form, tr("Second run:"));
  runB_->setObjectName(QStringLiteral("ratingRunB"));
  pairs_ = pathRow(tr("preference pairs (JSONL)"), false, form, tr("Pairs file:"));
  pairs_->setObjectName(QStringLiteral("ratingPairs"));

  auto* sampling = new QHBoxLayout;
  const auto add = [&](const QString& label, QWidget* widget) {
    sampling->addWidget(new QLabel(label, this));
    sampling->addWidget(widget);
  };
  maxTokens_ = new QSpinBox(this);
  maxTokens_->setRange(1, 4096);
  maxTokens_->setValue(48);
  add(tr("Max tokens"), maxTokens_);
  temperature_ = new QDoubleSpinBox(this);
  temperature_->setRange(0.0, 5.0);
  temperature_->setSingleStep(0.1);
  temperature_->setValue(1.0);
  add(tr("Temperature"), temperature_);
  topK_ = new QSpinBox(this);
  topK_->setRange(0, 100000);
  topK_->setSpecialValueText(tr("all"));
  add(tr("Top-k"), topK_);
  topP_ = new QDoubleSpinBox(this);
  topP_->setRange(0.01, 1.0);
  topP_->setSingleStep(0.05);
  topP_->setValue(1.0);
  add(tr("Top-p"), topP_);
  seed_ = new QSpinBox(this);
  seed_->setRange(0, 1000000);
  seed_->setValue(1);
  add(tr("Seed"), seed_);
  sampling->addStretch(1);
  form->addRow(tr("Sampling:"), sampling);

  auto* annotatorRow = new QHBoxLayout;
  annotator_ = new QLineEdit(this);
  annotator_->setObjectName(QStringLiteral("annotatorName"));
  annotator_->setPlaceholderText(tr("your name: each annotator has their own file"));
  annotatorRow->addWidget(annotator_, 1);
  start_ = new QPushButton(tr("Start Labelling"), this);
  start_->setObjectName(QStringLiteral("startLabelling"));
  start_->setDefault(true);
  annotatorRow->addWidget(start_);
  form->addRow(tr("Annotator:"), annotatorRow);

  connect(generate_, &QRadioButton::toggled, this, &RatingSetupForm::updateEnabled);
  connect(start_, &QPushButton::clicked, this, [this] { Q_EMIT startRequested(session()); });
  connect(annotator_, &QLineEdit::returnPressed, start_, &QPushButton::click);
  updateEnabled();
}

QLineEdit* RatingSetupForm::pathRow(const QString& placeholder, bool folder, QFormLayout* form, const QString& label) {
  auto* row = new QHBoxLayout;
  auto* edit = new QLineEdit(this);
  edit->setPlaceholderText(placeholder);
  row->addWidget(edit, 1);
  auto* browse = new QPushButton(tr("Browse..."), this);
  row->addWidget(browse);
  const QString title =
      label.endsWith(QLatin1Char(':')) ? label.chopped(1) : label;  // the field's name, not its form label
  connect(browse, &QPushButton::clicked, this, [this, edit, folder, title] {
    const QString start = edit->text().isEmpty() ? browseFolder_ : edit->text();
    const QString chosen = folder ? QFileDialog::getExistingDirectory(this, title, start)
                                  : QFileDialog::getOpenFileName(
                                        this, title, start, tr("Prompts and pairs (*.jsonl *.txt);;All files (*)"));
    if (!chosen.isEmpty()) edit->setText(chosen);
  });
  form->addRow(label, row);
  return edit;
}

void RatingSetupForm::updateEnabled() {
  const bool generate = generate_->isChecked();
  for (QWidget* w : {static_cast<QWidget*>(prompts_), static_cast<QWidget*>(runA_), static_cast<QWidget*>(runB_),
                     static_cast<QWidget*>(maxTokens_), static_cast<QWidget*>(temperature_),
                     static_cast<QWidget*>(topK_), static_cast<QWidget*>(topP_)})
    w->setEnabled(generate);
  pairs_->setEnabled(!generate);
}

namespace {

std::filesystem::path path_of(const QLineEdit* edit) { return edit->text().trimmed().toStdString(); }
QString text_of(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

}  // namespace

RatingSession RatingSetupForm::session() const {
  RatingSession s;
  if (generate_->isChecked()) {
    s.prompts = path_of(prompts_);
    for (QLineEdit* run : {runA_, runB_})
      if (!run->text().trimmed().isEmpty()) s.runs.push_back(path_of(run));
  } else {
    s.pairs = path_of(pairs_);
  }
  s.annotator = annotator_->text().trimmed().toStdString();
  s.sampling.max_new_tokens = maxTokens_->value();
  s.sampling.temperature = temperature_->value();
  s.sampling.top_k = topK_->value();
  s.sampling.top_p = topP_->value();
  s.seed = static_cast<std::uint64_t>(seed_->value());
  return s;
}

void RatingSetupForm::setSession(const RatingSession& s) {
  (s.pairs.empty() ? generate_ : fromFile_)->setChecked(true);
  prompts_->setText(text_of(s.prompts));
  runA_->setText(s.runs.size() > 0 ? text_of(s.runs[0]) : QString());
  runB_->setText(s.runs.size() > 1 ? text_of(s.runs[1]) : QString());
  pairs_->setText(text_of(s.pairs));
  annotator_->setText(QString::fromStdString(s.annotator));
  maxTokens_->setValue(static_cast<int>(s.sampling.max_new_tokens));
  temperature_->setValue(s.sampling.temperature);
  topK_->setValue(static_cast<int>(s.sampling.top_k));
  topP_->setValue(s.sampling.top_p);
  seed_->setValue(static_cast<int>(s.seed));
  updateEnabled();
}

}  // namespace cradle
