#include "widgets/rating_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "core/align/labelled_stages.h"
#include "core/experiment/experiment.h"
#include "widgets/annotator_agreement_dialog.h"
#include "widgets/palette_colors.h"
#include "widgets/rating_setup_form.h"

namespace cradle {
namespace {

QString prompt_html(const std::vector<ChatMessage>& messages) {
  QString html;
  for (const auto& m : messages) {
    const QString text =
        QString::fromStdString(m.content).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    html += QStringLiteral("<p><b>%1:</b> %2</p>").arg(QString::fromStdString(m.role).toHtmlEscaped(), text);
  }
  return html;
}

QComboBox* rating_box(QWidget* parent, const QString& name) {
  auto* box = new QComboBox(parent);
  box->setObjectName(name);
  box->addItem(RatingPanel::tr("no rating"));
  for (int i = 1; i <= 7; ++i) box->addItem(QString::number(i));
  box->setFocusPolicy(Qt::NoFocus);  // the digit keys choose, they do not rate
  box->setToolTip(RatingPanel::tr("Optional: how good this reply is on its own, 1 (bad) to 7 (excellent)"));
  return box;
}

QString path_text(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

QString verdict_text(ShownVerdict verdict) {
  switch (verdict) {
    case ShownVerdict::Left: return RatingPanel::tr("left better");
    case ShownVerdict::Right: return RatingPanel::tr("right better");
    case ShownVerdict::Tie: return RatingPanel::tr("a tie");
    case ShownVerdict::Skip: return RatingPanel::tr("skipped");
  }
  return QString();
}

QPushButton* key_button(QWidget* parent, const QString& text, const QString& name, const QString& tip) {
  auto* button = new QPushButton(text, parent);
  button->setObjectName(name);
  button->setToolTip(tip);
  button->setFocusPolicy(Qt::NoFocus);  // keys go to the panel, not to the last button clicked
  return button;
}

}  // namespace

RatingPanel::RatingPanel(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  // Scrolled as a whole, so the panel never makes the window taller than a small screen.
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setFocusPolicy(Qt::NoFocus);
  outer->addWidget(scroll);
  auto* content = new QWidget(scroll);
  scroll->setWidget(content);
  auto* layout = new QVBoxLayout(content);

  setupBox_ = new QGroupBox(tr("What to rate"), content);
  auto* setupLayout = new QVBoxLayout(setupBox_);
  setup_ = new RatingSetupForm(setupBox_);
  setupLayout->addWidget(setup_);
  setupMessage_ = new QLabel(setupBox_);
  setupMessage_->setObjectName(QStringLiteral("ratingSetupMessage"));
  setupMessage_->setWordWrap(true);
  setupMessage_->hide();
  setupLayout->addWidget(setupMessage_);
  layout->addWidget(setupBox_);
  connect(setup_, &RatingSetupForm::startRequested, this, [this](const RatingSession& s) { start(s); });

  labelling_ = new QWidget(content);
  auto* labelLayout = new QVBoxLayout(labelling_);
  labelLayout->setContentsMargins(0, 0, 0, 0);
  auto* status = new QHBoxLayout;
  progress_ = new QLabel(labelling_);
  progress_->setObjectName(QStringLiteral("ratingProgress"));
  rate_ = new QLabel(labelling_);
  winRate_ = new QLabel(labelling_);
  winRate_->setObjectName(QStringLiteral("winRate"));
  QFont bold = winRate_->font();
  bold.setBold(true);
  winRate_->setFont(bold);
  reveal_ = new QCheckBox(tr("Show which run wrote each reply"), labelling_);
  reveal_->setFocusPolicy(Qt::NoFocus);
  changeButton_ = key_button(labelling_, tr("Chan&ge..."), QStringLiteral("changeRatingSet"),
                             tr("Choose other prompts, runs or annotator"));
  status->addWidget(progress_);
  status->addSpacing(16);
  status->addWidget(rate_);
  status->addSpacing(16);
  status->addWidget(winRate_);
  status->addStretch(1);
  status->addWidget(reveal_);
  labelLayout->addLayout(status);

  prompt_ = new QTextBrowser(labelling_);
  prompt_->setObjectName(QStringLiteral("ratingPrompt"));
  prompt_->setFocusPolicy(Qt::NoFocus);
  prompt_->setMaximumHeight(fontMetrics().lineSpacing() * 5);
  labelLayout->addWidget(prompt_);

  auto* replies = new QHBoxLayout;
  const auto reply_column = [&](QGroupBox*& box, QTextBrowser*& view, QComboBox*& rating, const QString& name) {
    box = new QGroupBox(labelling_);
    auto* column = new QVBoxLayout(box);
    view = new QTextBrowser(box);
    view->setObjectName(name);
    view->setFocusPolicy(Qt::NoFocus);  // scrolled with the mouse; the keys label
    view->setMinimumHeight(fontMetrics().lineSpacing() * 4);
    column->addWidget(view, 1);
    rating = rating_box(box, name + QStringLiteral("Rating"));
    auto* ratingRow = new QHBoxLayout;
    ratingRow->addWidget(new QLabel(tr("Rating:"), box));
    ratingRow->addWidget(rating);
    ratingRow->addStretch(1);
    column->addLayout(ratingRow);
    replies->addWidget(box, 1);
  };
  reply_column(leftBox_, left_, leftRating_, QStringLiteral("leftReply"));
  reply_column(rightBox_, right_, rightRating_, QStringLiteral("rightReply"));
  labelLayout->addLayout(replies, 1);

  comment_ = new QLineEdit(labelling_);
  comment_->setObjectName(QStringLiteral("ratingComment"));
  comment_->setPlaceholderText(tr("Optional comment (click to type; Enter returns to the keys)"));
  comment_->setFocusPolicy(Qt::ClickFocus);
  connect(comment_, &QLineEdit::returnPressed, this, [this] { setFocus(); });
  labelLayout->addWidget(comment_);

  auto* choices = new QHBoxLayout;
  leftButton_ = key_button(labelling_, tr("Left is better (1 / A)"), QStringLiteral("chooseLeft"), tr("Keys 1 or A"));
  rightButton_ =
      key_button(labelling_, tr("Right is better (2 / B)"), QStringLiteral("chooseRight"), tr("Keys 2 or B"));
  tieButton_ = key_button(labelling_, tr("Tie (T)"), QStringLiteral("chooseTie"), tr("Both equally good or bad (T)"));
  skipButton_ = key_button(labelling_, tr("Skip (S)"), QStringLiteral("chooseSkip"),
                           tr("Recorded as skipped, left out of training (S)"));
  undoButton_ = key_button(labelling_, tr("Undo (Z)"), QStringLiteral("undoLabel"),
                           tr("Take the last label back and show its item again (Z)"));
  nextButton_ = key_button(labelling_, tr("Next (→)"), QStringLiteral("nextItem"),
                           tr("Go on after a label when auto-advance is off (→)"));
  autoAdvance_ = new QCheckBox(tr("Auto-advance"), labelling_);
  autoAdvance_->setChecked(true);
  autoAdvance_->setFocusPolicy(Qt::NoFocus);
  autoAdvance_->setToolTip(tr("Show the next pair as soon as one is labelled; off: stay on it until →"));
  for (QWidget* w :
       {static_cast<QWidget*>(leftButton_), static_cast<QWidget*>(rightButton_), static_cast<QWidget*>(tieButton_),
        static_cast<QWidget*>(skipButton_), static_cast<QWidget*>(undoButton_), static_cast<QWidget*>(nextButton_),
        static_cast<QWidget*>(autoAdvance_)})
    choices->addWidget(w);
  labelLayout->addLayout(choices);
  connect(leftButton_, &QPushButton::clicked, this, [this] { choose(Verdict::Left); });
  connect(rightButton_, &QPushButton::clicked, this, [this] { choose(Verdict::Right); });
  connect(tieButton_, &QPushButton::clicked, this, [this] { choose(Verdict::Tie); });
  connect(skipButton_, &QPushButton::clicked, this, [this] { choose(Verdict::Skip); });
  connect(undoButton_, &QPushButton::clicked, this, [this] { undo(); });
  connect(nextButton_, &QPushButton::clicked, this, [this] { next(); });

  message_ = new QLabel(labelling_);
  message_->setObjectName(QStringLiteral("ratingMessage"));
  message_->setWordWrap(true);
  labelLayout->addWidget(message_);

  // Closing the loop, on top where it stays in view: train the next stage on the labels, compare, merge.
  auto* loop = new QHBoxLayout;
  QWidget* loopBox = labelling_;
  loop->addWidget(new QLabel(tr("Train on:"), loopBox));
  trainingFiles_ = new QComboBox(loopBox);
  trainingFiles_->setObjectName(QStringLiteral("trainingLabels"));
  trainingFiles_->setFocusPolicy(Qt::NoFocus);
  trainingFiles_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  loop->addWidget(trainingFiles_);
  rewardButton_ =
      key_button(loopBox, tr("Train Re&ward Model"), QStringLiteral("trainRewardModel"),
                 tr("A reward model on these labels, starting from the policy run; trained in the Training tab"));
  dpoButton_ = key_button(loopBox, tr("Run &DPO"), QStringLiteral("runDpo"),
                          tr("Direct preference optimisation of the policy run on these labels"));
  ppoButton_ = key_button(loopBox, tr("Run &PPO"), QStringLiteral("runPpo"),
                          tr("PPO of the policy run against the newest reward model, on the prompt set"));
  beforeAfterButton_ = key_button(loopBox, tr("&Before/After..."), QStringLiteral("beforeAfter"),
                                  tr("Rate the policy against the tuned run, blind, on prompts the tuning never saw"));
  agreementButton_ = key_button(loopBox, tr("A&nnotators..."), QStringLiteral("annotatorAgreement"),
                                tr("Agreement between annotators of this set, and a merged set to train on"));
  for (QPushButton* b : {rewardButton_, dpoButton_, ppoButton_, beforeAfterButton_, agreementButton_})
    loop->addWidget(b);
  loop->addStretch(1);
  loop->addWidget(changeButton_);
  labelLayout->insertLayout(0, loop);
  layout->addWidget(labelling_, 1);
  connect(rewardButton_, &QPushButton::clicked, this, [this] { writeStageExperiment(Stage::Reward); });
  connect(dpoButton_, &QPushButton::clicked, this, [this] { writeStageExperiment(Stage::Dpo); });
  connect(ppoButton_, &QPushButton::clicked, this, [this] {
    if (rewardRun_.isEmpty()) {
      const QString run = QFileDialog::getExistingDirectory(this, tr("Choose the Reward Model's Run"), runsRoot_);
      if (run.isEmpty()) return;
      rewardRun_ = run;
    }
    writeStageExperiment(Stage::Ppo);
  });
  connect(beforeAfterButton_, &QPushButton::clicked, this, [this] {
    QString tuned = tunedRun_;
    if (tuned.isEmpty())
      tuned = QFileDialog::getExistingDirectory(this, tr("Choose the Tuned Run (dpo or ppo)"), runsRoot_);
    if (!tuned.isEmpty()) startBeforeAfter(tuned);
  });
  connect(agreementButton_, &QPushButton::clicked, this, [this] {
    AnnotatorAgreementDialog dialog(setFolder(), this);
    dialog.exec();
    refreshTrainingFiles();
    if (!dialog.mergedFile().isEmpty()) setTrainingLabels(dialog.mergedFile());
  });
  connect(changeButton_, &QPushButton::clicked, this, [this] { setupBox_->setVisible(!setupBox_->isVisible()); });
  connect(reveal_, &QCheckBox::toggled, this, [this] {
    if (currentPair()) showItem();
  });
  connect(&poll_, &QTimer::timeout, this, &RatingPanel::pollQueue);
  poll_.setInterval(50);
  labelling_->setEnabled(false);
  updateProgress();
  updateButtons();
}

RatingPanel::~RatingPanel() = default;

void RatingPanel::setFolders(const QString& labels_root, const QString& runs_root) {
  labelsRoot_ = labels_root;
  runsRoot_ = runs_root;
  setup_->setBrowseFolder(runs_root);
}

bool RatingPanel::fail(const QString& message) {
  error_ = message;
  showMessage(message, true);
  if (!setupBox_->isHidden()) {  // the labelling area below is still empty: say it under Start
    setupMessage_->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;").arg(error_color(palette()).name()));
    setupMessage_->setText(message);
    setupMessage_->show();
  }
  Q_EMIT problem(message);
  return false;
}

void RatingPanel::showMessage(const QString& text, bool error) {
  message_->setStyleSheet(error ? QStringLiteral("color: %1; font-weight: 600;").arg(error_color(palette()).name())
                                : QString());
  message_->setText(text);
}

bool RatingPanel::start(const RatingSession& s) {
  error_.clear();
  if (QString::fromStdString(s.annotator).trimmed().isEmpty())
    return fail(tr("Enter the annotator's name: each annotator has their own label file."));
  if (s.pairs.empty() && (s.prompts.empty() || s.runs.empty()))
    return fail(tr("Choose a prompt file and a chat run (or two), or a file of pairs to rate."));
  std::unique_ptr<RatingSitting> sitting;
  setCursor(Qt::BusyCursor);
  try {
    sitting = std::make_unique<RatingSitting>(s, labelsRoot_.toStdString());
  } catch (const std::exception& e) {
    unsetCursor();
    return fail(QString::fromStdString(e.what()));
  }
  unsetCursor();
  poll_.stop();
  sitting_ = std::move(sitting);  // the old worker (if any) stops here
  setup_->setSession(s);
  setupBox_->hide();
  setupMessage_->hide();
  labelling_->setEnabled(true);
  reveal_->setVisible(s.before_after);
  winRate_->setVisible(s.before_after);
  refreshTrainingFiles();
  const QString path = labelFile();
  const int earlier = sitting_->labelled();
  showMessage(earlier > 0 ? tr("Continuing %1: %2 items already labelled.").arg(path).arg(earlier)
                          : tr("Labels go to %1").arg(path));
  pollQueue();
  setFocus();
  return true;
}

void RatingPanel::pollQueue() {
  if (!sitting_) return;
  switch (sitting_->poll()) {
    case RatingSitting::Next::Shown:
      poll_.stop();
      showItem();
      return;
    case RatingSitting::Next::Waiting:
      if (!poll_.isActive()) {
        prompt_->setHtml(tr("<i>Writing the next candidates...</i>"));
        left_->clear();
        right_->clear();
        poll_.start();
      }
      break;
    case RatingSitting::Next::Finished:
      poll_.stop();
      prompt_->setHtml(tr(
          "<b>Every item of this set is labelled.</b> Train a reward model, run DPO or PPO below, or press Z to take the last label back."));
      left_->clear();
      right_->clear();
      if (!sitting_->source_error().empty())
        fail(tr("Generating candidates stopped: %1").arg(QString::fromStdString(sitting_->source_error())));
      break;
  }
  updateProgress();
  updateButtons();
}

void RatingPanel::showItem() {
  const CandidatePair& pair = *sitting_->current();
  prompt_->setHtml(prompt_html(pair.prompt));
  const auto& left = pair.first_shown_left ? pair.first : pair.second;
  const auto& right = pair.first_shown_left ? pair.second : pair.first;
  const auto show = [](QTextBrowser* view, const std::string& text) {
    if (text.empty())
      view->setHtml(tr("<i>(an empty reply)</i>"));
    else
      view->setPlainText(QString::fromStdString(text));
  };
  show(left_, left);
  show(right_, right);
  QString leftTitle = tr("Left (1 or A)"), rightTitle = tr("Right (2 or B)");
  if (reveal_->isChecked() && pair.generation.contains("runs") && pair.generation["runs"].size() == 2) {
    const auto run_name = [&](bool first) {
      return QFileInfo(QString::fromStdString(pair.generation["runs"][first ? 0 : 1].get<std::string>())).fileName();
    };
    leftTitle += QStringLiteral(" · ") + run_name(pair.first_shown_left);
    rightTitle += QStringLiteral(" · ") + run_name(!pair.first_shown_left);
  }
  leftBox_->setTitle(leftTitle);
  rightBox_->setTitle(rightTitle);
  if (pair.first == pair.second) showMessage(tr("Both replies are the same: T (tie) or S (skip)."));
  updateProgress();
  updateButtons();
}

QString RatingPanel::leftText() const { return left_->toPlainText(); }
QString RatingPanel::rightText() const { return right_->toPlainText(); }
QString RatingPanel::labelFile() const { return sitting_ ? path_text(sitting_->label_file()) : QString(); }
QString RatingPanel::setFolder() const { return sitting_ ? path_text(sitting_->set_folder()) : QString(); }

const std::vector<PreferenceLabel>& RatingPanel::labels() const {
  static const std::vector<PreferenceLabel> none;
  return sitting_ ? sitting_->labels() : none;
}

int RatingPanel::labelled() const { return sitting_ ? sitting_->labelled() : 0; }
int RatingPanel::total() const { return sitting_ ? sitting_->total() : 0; }
bool RatingPanel::finished() const { return sitting_ && sitting_->finished(); }

ChoiceNotes RatingPanel::notes() const {
  const auto rating = [](const QComboBox* box) {
    return box->currentIndex() > 0 ? std::optional<int>(box->currentIndex()) : std::nullopt;
  };
  ChoiceNotes notes;
  notes.left_rating = rating(leftRating_);
  notes.right_rating = rating(rightRating_);
  notes.comment = comment_->text().trimmed().toStdString();
  return notes;
}

bool RatingPanel::choose(Verdict verdict) {
  if (!currentPair()) return false;
  try {
    sitting_->choose(verdict, notes());
  } catch (const std::exception& e) {
    return fail(tr("The label was not saved: %1").arg(QString::fromStdString(e.what())));
  }
  showMessage(tr("Saved: %1.").arg(verdict_text(verdict)));
  if (autoAdvance_->isChecked()) {
    advance();
  } else {
    updateProgress();
    updateButtons();
  }
  return true;
}

bool RatingPanel::undo() {
  if (!sitting_ || sitting_->labels().empty()) {
    showMessage(tr("Nothing to undo."));
    return false;
  }
  std::optional<PreferenceLabel> label;
  try {
    label = sitting_->undo();
  } catch (const std::exception& e) {
    return fail(tr("Undo failed: %1").arg(QString::fromStdString(e.what())));
  }
  poll_.stop();
  showItem();
  const auto index_of = [](const std::optional<int>& r) { return r ? *r : 0; };
  leftRating_->setCurrentIndex(index_of(label->first_shown_left ? label->first_rating : label->second_rating));
  rightRating_->setCurrentIndex(index_of(label->first_shown_left ? label->second_rating : label->first_rating));
  comment_->setText(QString::fromStdString(label->comment));
  showMessage(tr("Took back the last label (it was: %1). Choose again.")
                  .arg(verdict_text(shown_verdict(label->verdict, label->first_shown_left))));
  return true;
}

bool RatingPanel::next() {
  if (!currentPair()) return false;
  if (!sitting_->current_labelled()) {
    showMessage(tr("Choose first: 1 or A (left), 2 or B (right), T (tie) or S (skip)."));
    return false;
  }
  advance();
  return true;
}

void RatingPanel::advance() {
  sitting_->advance();
  leftRating_->setCurrentIndex(0);
  rightRating_->setCurrentIndex(0);
  comment_->clear();
  pollQueue();
}

void RatingPanel::setAutoAdvance(bool on) { autoAdvance_->setChecked(on); }

void RatingPanel::setRatings(int left, int right) {
  leftRating_->setCurrentIndex(left);
  rightRating_->setCurrentIndex(right);
}

void RatingPanel::setComment(const QString& comment) { comment_->setText(comment); }

void RatingPanel::keyPressEvent(QKeyEvent* event) {
  const auto modifiers = event->modifiers() & ~Qt::KeypadModifier;
  if (modifiers != Qt::NoModifier || !sitting_) {
    QWidget::keyPressEvent(event);
    return;
  }
  switch (event->key()) {
    case Qt::Key_1:
    case Qt::Key_A: choose(Verdict::Left); break;
    case Qt::Key_2:
    case Qt::Key_B: choose(Verdict::Right); break;
    case Qt::Key_T: choose(Verdict::Tie); break;
    case Qt::Key_S: choose(Verdict::Skip); break;
    case Qt::Key_Z: undo(); break;
    case Qt::Key_Right: next(); break;
    default: QWidget::keyPressEvent(event); return;
  }
  event->accept();
}

QString RatingPanel::progressText() const { return progress_->text(); }
QString RatingPanel::winRateText() const { return winRate_->text(); }

void RatingPanel::updateProgress() {
  if (!sitting_) {
    progress_->setText(tr("Choose what to rate above."));
    rate_->clear();
    winRate_->clear();
    return;
  }
  progress_->setText(tr("%1 of %2 labelled").arg(sitting_->labelled()).arg(sitting_->total()));
  const double per_hour = sitting_->labels_per_hour();
  rate_->setText(per_hour > 0 ? tr("%1 per hour").arg(per_hour, 0, 'f', 0) : QString());
  if (const auto h = sitting_->after_versus_before()) {
    const auto decided = h->wins + h->losses + h->ties;
    winRate_->setText(decided == 0 ? tr("After vs before: nothing decided yet")
                                   : tr("After vs before: win rate %1% (%2 wins, %3 losses, %4 ties)")
                                         .arg(100 * h->win_rate(), 0, 'f', 1)
                                         .arg(h->wins)
                                         .arg(h->losses)
                                         .arg(h->ties));
  }
}

void RatingPanel::updateButtons() {
  const bool item = currentPair() != nullptr;
  for (QPushButton* b : {leftButton_, rightButton_, tieButton_, skipButton_}) b->setEnabled(item);
  undoButton_->setEnabled(sitting_ && !sitting_->labels().empty());
  nextButton_->setEnabled(item && sitting_->current_labelled());
  const bool training = sitting_ && !sitting_->session().before_after;
  rewardButton_->setEnabled(training && trainingFiles_->count() > 0);
  dpoButton_->setEnabled(training && trainingFiles_->count() > 0);
  ppoButton_->setEnabled(training);
  ppoButton_->setToolTip(rewardRun_.isEmpty()
                             ? tr("PPO against a reward model: train one first, or choose its run folder")
                             : tr("PPO against %1, on the prompt set").arg(rewardRun_));
  beforeAfterButton_->setEnabled(sitting_ != nullptr);
  agreementButton_->setEnabled(sitting_ != nullptr);
}

void RatingPanel::refreshTrainingFiles() {
  const QString chosen = trainingLabels();
  trainingFiles_->clear();
  if (!sitting_) return;
  trainingFiles_->addItem(tr("%1's labels").arg(QString::fromStdString(sitting_->session().annotator)), labelFile());
  for (const auto& file : sitting_->merged_label_files())
    trainingFiles_->addItem(tr("merged: %1").arg(QString::fromStdString(file.filename().string())), path_text(file));
  const int index = trainingFiles_->findData(chosen);
  trainingFiles_->setCurrentIndex(index >= 0 ? index : 0);
  updateButtons();
}

void RatingPanel::setTrainingLabels(const QString& file) {
  refreshTrainingFiles();
  int index = trainingFiles_->findData(file);
  if (index < 0) {
    trainingFiles_->addItem(QFileInfo(file).fileName(), file);
    index = trainingFiles_->count() - 1;
  }
  trainingFiles_->setCurrentIndex(index);
}

QString RatingPanel::trainingLabels() const { return trainingFiles_->currentData().toString(); }

QString RatingPanel::writeStageExperiment(Stage stage) {
  error_.clear();
  if (!sitting_) {
    fail(tr("Start labelling first."));
    return QString();
  }
  // What can be checked without asking anything is checked first: too few labels
  // refuse before a folder picker opens.
  if (stage != Stage::Ppo) try {
      decided_pairs(trainingLabels().toStdString());
    } catch (const std::exception& e) {
      fail(QString::fromStdString(e.what()));
      return QString();
    }
  if (!sitting_->has_policy_run()) {
    const QString run =
        QFileDialog::getExistingDirectory(this, tr("Choose the Chat Run These Pairs Are For"), runsRoot_);
    if (run.isEmpty()) return QString();
    sitting_->set_policy_run(run.toStdString());
  }
  try {
    const QString path =
        path_text(sitting_->write_stage_experiment(stage, trainingLabels().toStdString(), rewardRun_.toStdString()));
    showMessage(tr("Wrote %1; training it in the Training tab.").arg(path));
    Q_EMIT stageExperimentWritten(path);
    return path;
  } catch (const std::exception& e) {
    fail(QString::fromStdString(e.what()));
    return QString();
  }
}

void RatingPanel::trainingFinished(const QString& run_folder, RunStatus status) {
  if (status != RunStatus::Completed) return;
  try {
    const Experiment e = load_experiment((run_folder + QStringLiteral("/experiment.json")).toStdString());
    if (is_reward_modelling(e)) {
      rewardRun_ = run_folder;
      showMessage(tr("Reward model trained (%1): Run PPO trains the policy against it.").arg(run_folder));
    } else if (is_direct_preference(e) || is_policy_optimisation(e)) {
      tunedRun_ = run_folder;
      showMessage(tr("%1 tuned (%2): Before/After compares it with the policy it started from.")
                      .arg(QString::fromStdString(to_string(e.stage)).toUpper(), run_folder));
    }
  } catch (const std::exception&) {
    // Not a run this panel follows (the window reports every training).
  }
  updateButtons();
}

bool RatingPanel::startBeforeAfter(const QString& tuned_run) {
  const QString tuned = tuned_run.isEmpty() ? tunedRun_ : tuned_run;
  if (tuned.isEmpty()) return fail(tr("No tuned run yet: run DPO or PPO first, or choose its folder."));
  if (!sitting_) return fail(tr("Start labelling first."));
  RatingSession s;
  try {
    s = sitting_->before_after_session(tuned.toStdString());
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
  tunedRun_ = tuned;
  return start(s);
}

}  // namespace cradle
