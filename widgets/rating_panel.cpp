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

#include <set>

#include "core/align/labelled_stages.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/data/prompt_data.h"
#include "core/experiment/experiment.h"
#include "widgets/annotator_agreement_dialog.h"
#include "widgets/palette_colors.h"
#include "widgets/rating_setup_form.h"

namespace cradle {
namespace {

// A prompt's identity for "already labelled": its turns, role and text.
std::string prompt_key(const std::vector<ChatMessage>& messages) {
  std::string key;
  for (const auto& m : messages) key += m.role + '\x1f' + m.content + '\x1e';
  return key;
}

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
  connect(rewardButton_, &QPushButton::clicked, this, [this] { writeStageExperiment(QStringLiteral("reward")); });
  connect(dpoButton_, &QPushButton::clicked, this, [this] { writeStageExperiment(QStringLiteral("dpo")); });
  connect(ppoButton_, &QPushButton::clicked, this, [this] {
    if (rewardRun_.isEmpty()) {
      const QString run = QFileDialog::getExistingDirectory(this, tr("Choose the Reward Model's Run"), runsRoot_);
      if (run.isEmpty()) return;
      rewardRun_ = run;
    }
    writeStageExperiment(QStringLiteral("ppo"));
  });
  connect(beforeAfterButton_, &QPushButton::clicked, this, [this] {
    QString tuned = tunedRun_;
    if (tuned.isEmpty())
      tuned = QFileDialog::getExistingDirectory(this, tr("Choose the Tuned Run (dpo or ppo)"), runsRoot_);
    if (!tuned.isEmpty()) startBeforeAfter(tuned);
  });
  connect(agreementButton_, &QPushButton::clicked, this, [this] {
    AnnotatorAgreementDialog dialog(setFolder_, this);
    dialog.exec();
    refreshTrainingFiles();
    if (!dialog.mergedFile().isEmpty()) setTrainingLabels(dialog.mergedFile());
  });
  connect(changeButton_, &QPushButton::clicked, this, [this] { setupBox_->setVisible(!setupBox_->isVisible()); });
  connect(reveal_, &QCheckBox::toggled, this, [this] {
    if (current_) showItem(currentLabelled_);
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
  if (s.annotator.trimmed().isEmpty())
    return fail(tr("Enter the annotator's name: each annotator has their own label file."));
  if (s.pairs.isEmpty() && (s.prompts.isEmpty() || s.runs.isEmpty()))
    return fail(tr("Choose a prompt file and a chat run (or two), or a file of pairs to rate."));
  std::unique_ptr<PreferenceLabelFile> file;
  std::unique_ptr<CandidateQueue> queue;
  std::deque<CandidatePair> pairs;
  QString folder =
      s.labelFile.isEmpty() ? QDir(labelsRoot_).filePath(rating_set_name(s)) : QFileInfo(s.labelFile).absolutePath();
  const QString path = s.labelFile.isEmpty()
                           ? QDir(folder).filePath(annotator_file_name(s.annotator) + QStringLiteral(".jsonl"))
                           : s.labelFile;
  int total = 0, remaining = 0;
  setCursor(Qt::BusyCursor);
  try {
    if (!QDir().mkpath(folder)) throw IoError(folder.toStdString() + ": cannot create the folder");
    file = std::make_unique<PreferenceLabelFile>(path.toStdString());
    if (!s.pairs.isEmpty()) {
      for (auto& pair : load_candidate_pairs(s.pairs.toStdString(), s.seed)) {
        ++total;
        PreferenceLabel probe;
        probe.prompt = pair.prompt;
        probe.first = pair.first;
        probe.second = pair.second;
        if (!file->has_item(probe.item_id())) pairs.push_back(std::move(pair));
      }
      remaining = static_cast<int>(pairs.size());
    } else {
      auto prompts = load_prompt_file(s.prompts.toStdString());
      total = static_cast<int>(prompts.size());
      std::set<std::string> done;
      for (const auto& label : file->labels()) done.insert(prompt_key(label.prompt));
      std::vector<std::filesystem::path> runs;
      for (const QString& run : s.runs) runs.emplace_back(run.toStdString());
      SamplingOptions sampling;
      sampling.max_new_tokens = s.maxNewTokens;
      sampling.temperature = s.temperature;
      sampling.top_k = s.topK;
      sampling.top_p = s.topP;
      queue = std::make_unique<CandidateQueue>(
          std::move(prompts), runs, sampling, s.seed, 4,
          [&done](const std::vector<ChatMessage>& p) { return done.count(prompt_key(p)) > 0; });
      remaining = static_cast<int>(queue->prompts());
    }
  } catch (const std::exception& e) {
    unsetCursor();
    return fail(QString::fromStdString(e.what()));
  }
  unsetCursor();
  poll_.stop();
  queue_ = std::move(queue);  // the old worker (if any) stops here
  file_ = std::move(file);
  filePairs_ = std::move(pairs);
  returned_.clear();
  current_.reset();
  currentLabelled_ = false;
  sourceDone_ = false;
  session_ = s;
  session_.labelFile = path;
  setFolder_ = folder;
  total_ = total;
  labelledAtStart_ = total - remaining;
  sessionLabels_ = 0;
  sessionClock_.start();
  setup_->setSession(s);
  setupBox_->hide();
  setupMessage_->hide();
  labelling_->setEnabled(true);
  reveal_->setVisible(s.beforeAfter);
  winRate_->setVisible(s.beforeAfter);
  refreshTrainingFiles();
  showMessage(labelledAtStart_ > 0 ? tr("Continuing %1: %2 items already labelled.").arg(path).arg(labelledAtStart_)
                                   : tr("Labels go to %1").arg(path));
  pollQueue();
  setFocus();
  return true;
}

void RatingPanel::pollQueue() {
  if (current_) {
    poll_.stop();
    return;
  }
  if (!returned_.empty()) {
    current_ = std::move(returned_.front());
    returned_.pop_front();
  } else if (!filePairs_.empty()) {
    current_ = std::move(filePairs_.front());
    filePairs_.pop_front();
  } else if (queue_) {
    bool finished = false;
    current_ = queue_->try_next(finished);
    if (!current_) {
      if (!finished) {
        if (!poll_.isActive()) {
          prompt_->setHtml(tr("<i>Writing the next candidates...</i>"));
          left_->clear();
          right_->clear();
          poll_.start();
        }
        updateProgress();
        updateButtons();
        return;
      }
      sourceDone_ = true;
      if (!queue_->error().empty())
        fail(tr("Generating candidates stopped: %1").arg(QString::fromStdString(queue_->error())));
    }
  } else {
    sourceDone_ = true;
  }
  poll_.stop();
  if (current_) {
    sourceDone_ = false;
    showItem(false);
  } else {
    prompt_->setHtml(tr(
        "<b>Every item of this set is labelled.</b> Train a reward model, run DPO or PPO below, or press Z to take the last label back."));
    left_->clear();
    right_->clear();
    updateProgress();
    updateButtons();
  }
}

void RatingPanel::showItem(bool labelled_already) {
  const CandidatePair& pair = *current_;
  currentLabelled_ = labelled_already;
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
QString RatingPanel::labelFile() const { return file_ ? QString::fromStdString(file_->path().string()) : QString(); }

const std::vector<PreferenceLabel>& RatingPanel::labels() const {
  static const std::vector<PreferenceLabel> none;
  return file_ ? file_->labels() : none;
}

int RatingPanel::labelled() const { return labelledAtStart_ + sessionLabels_; }
int RatingPanel::total() const { return total_; }
bool RatingPanel::finished() const { return file_ && !current_ && sourceDone_; }

PreferenceLabel RatingPanel::labelFor(Verdict verdict) const {
  const CandidatePair& pair = *current_;
  PreferenceLabel label;
  label.prompt = pair.prompt;
  label.first = pair.first;
  label.second = pair.second;
  label.first_shown_left = pair.first_shown_left;
  switch (verdict) {
    case Verdict::Left: label.verdict = pair.first_shown_left ? PairVerdict::First : PairVerdict::Second; break;
    case Verdict::Right: label.verdict = pair.first_shown_left ? PairVerdict::Second : PairVerdict::First; break;
    case Verdict::Tie: label.verdict = PairVerdict::Tie; break;
    case Verdict::Skip: label.verdict = PairVerdict::Skip; break;
  }
  const auto rating = [](const QComboBox* box) {
    return box->currentIndex() > 0 ? std::optional<int>(box->currentIndex()) : std::nullopt;
  };
  label.first_rating = rating(pair.first_shown_left ? leftRating_ : rightRating_);
  label.second_rating = rating(pair.first_shown_left ? rightRating_ : leftRating_);
  label.comment = comment_->text().trimmed().toStdString();
  label.annotator = session_.annotator.toStdString();
  label.labelled_at = utc_timestamp();
  label.generation = pair.generation;
  return label;
}

bool RatingPanel::choose(Verdict verdict) {
  if (!current_ || !file_) return false;
  const PreferenceLabel label = labelFor(verdict);
  try {
    if (currentLabelled_)
      file_->undo();  // a second choice on the same item replaces the first
    else
      ++sessionLabels_;
    file_->append(label);
  } catch (const std::exception& e) {
    return fail(tr("The label was not saved: %1").arg(QString::fromStdString(e.what())));
  }
  const QString said = verdict == Verdict::Left    ? tr("left better")
                       : verdict == Verdict::Right ? tr("right better")
                       : verdict == Verdict::Tie   ? tr("a tie")
                                                   : tr("skipped");
  showMessage(tr("Saved: %1.").arg(said));
  if (autoAdvance_->isChecked()) {
    advance();
  } else {
    currentLabelled_ = true;
    updateProgress();
    updateButtons();
  }
  return true;
}

bool RatingPanel::undo() {
  if (!file_ || file_->labels().empty()) {
    showMessage(tr("Nothing to undo."));
    return false;
  }
  std::optional<PreferenceLabel> label;
  try {
    label = file_->undo();
  } catch (const std::exception& e) {
    return fail(tr("Undo failed: %1").arg(QString::fromStdString(e.what())));
  }
  if (sessionLabels_ > 0)
    --sessionLabels_;
  else
    --labelledAtStart_;  // a label from an earlier sitting
  if (current_ && !currentLabelled_) returned_.push_front(*current_);
  CandidatePair pair;
  pair.prompt = label->prompt;
  pair.first = label->first;
  pair.second = label->second;
  pair.first_shown_left = label->first_shown_left;
  pair.generation = label->generation;
  current_ = std::move(pair);
  poll_.stop();
  showItem(false);
  const auto index_of = [](const std::optional<int>& r) { return r ? *r : 0; };
  leftRating_->setCurrentIndex(index_of(label->first_shown_left ? label->first_rating : label->second_rating));
  rightRating_->setCurrentIndex(index_of(label->first_shown_left ? label->second_rating : label->first_rating));
  comment_->setText(QString::fromStdString(label->comment));
  const bool left = (label->verdict == PairVerdict::First) == label->first_shown_left;
  const QString was = label->verdict == PairVerdict::Tie    ? tr("a tie")
                      : label->verdict == PairVerdict::Skip ? tr("skipped")
                      : left                                ? tr("left better")
                                                            : tr("right better");
  showMessage(tr("Took back the last label (it was: %1). Choose again.").arg(was));
  return true;
}

bool RatingPanel::next() {
  if (!current_) return false;
  if (!currentLabelled_) {
    showMessage(tr("Choose first: 1 or A (left), 2 or B (right), T (tie) or S (skip)."));
    return false;
  }
  advance();
  return true;
}

void RatingPanel::advance() {
  current_.reset();
  currentLabelled_ = false;
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
  if (modifiers != Qt::NoModifier || !file_) {
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
  if (!file_) {
    progress_->setText(tr("Choose what to rate above."));
    rate_->clear();
    winRate_->clear();
    return;
  }
  progress_->setText(tr("%1 of %2 labelled").arg(labelled()).arg(total_));
  const double hours = static_cast<double>(sessionClock_.elapsed()) / 3.6e6;
  rate_->setText(sessionLabels_ > 0 && hours > 0
                     ? tr("%1 per hour").arg(static_cast<double>(sessionLabels_) / hours, 0, 'f', 0)
                     : QString());
  if (session_.beforeAfter && session_.runs.size() == 2) {
    const HeadToHead h = head_to_head(file_->labels(), session_.runs[1].toStdString());
    const auto decided = h.wins + h.losses + h.ties;
    winRate_->setText(decided == 0 ? tr("After vs before: nothing decided yet")
                                   : tr("After vs before: win rate %1% (%2 wins, %3 losses, %4 ties)")
                                         .arg(100 * h.win_rate(), 0, 'f', 1)
                                         .arg(h.wins)
                                         .arg(h.losses)
                                         .arg(h.ties));
  }
}

void RatingPanel::updateButtons() {
  const bool item = current_.has_value();
  for (QPushButton* b : {leftButton_, rightButton_, tieButton_, skipButton_}) b->setEnabled(item);
  undoButton_->setEnabled(file_ && !file_->labels().empty());
  nextButton_->setEnabled(item && currentLabelled_);
  const bool training = file_ && !session_.beforeAfter;
  rewardButton_->setEnabled(training && trainingFiles_->count() > 0);
  dpoButton_->setEnabled(training && trainingFiles_->count() > 0);
  ppoButton_->setEnabled(training);
  ppoButton_->setToolTip(rewardRun_.isEmpty()
                             ? tr("PPO against a reward model: train one first, or choose its run folder")
                             : tr("PPO against %1, on the prompt set").arg(rewardRun_));
  beforeAfterButton_->setEnabled(file_ != nullptr);
  agreementButton_->setEnabled(file_ != nullptr);
}

void RatingPanel::refreshTrainingFiles() {
  const QString chosen = trainingLabels();
  trainingFiles_->clear();
  if (!file_) return;
  const QString own = labelFile();
  trainingFiles_->addItem(tr("%1's labels").arg(session_.annotator), own);
  const QDir merged(QDir(setFolder_).filePath(QStringLiteral("merged")));
  for (const QString& name : merged.entryList({QStringLiteral("*.jsonl")}, QDir::Files, QDir::Name))
    trainingFiles_->addItem(tr("merged: %1").arg(name), merged.filePath(name));
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

QString RatingPanel::uniqueFile(const QString& folder, const QString& stem, const QString& extension) const {
  QString path = QDir(folder).filePath(stem + extension);
  for (int n = 2; QFileInfo::exists(path); ++n)
    path = QDir(folder).filePath(QStringLiteral("%1-%2%3").arg(stem).arg(n).arg(extension));
  return path;
}

QString RatingPanel::writeStageExperiment(const QString& stage) {
  error_.clear();
  if (!file_) {
    fail(tr("Start labelling first."));
    return QString();
  }
  // What can be checked without asking anything is checked first: too few labels
  // refuse before a folder picker opens.
  if (stage != QLatin1String("ppo")) try {
      decided_pairs(trainingLabels().toStdString());
    } catch (const std::exception& e) {
      fail(QString::fromStdString(e.what()));
      return QString();
    }
  if (session_.runs.isEmpty()) {
    const QString run =
        QFileDialog::getExistingDirectory(this, tr("Choose the Chat Run These Pairs Are For"), runsRoot_);
    if (run.isEmpty()) return QString();
    session_.runs << run;
  }
  const QString folder = QDir(setFolder_).filePath(QStringLiteral("experiments"));
  LabelledStageRequest request;
  request.stage = *parse_stage(stage.toStdString());  // the buttons name reward, dpo or ppo
  request.policy_run = session_.runs[0].toStdString();
  request.labels = trainingLabels().toStdString();
  request.reward_run = rewardRun_.toStdString();
  request.name = (rating_set_name(session_) + QLatin1Char('-') + stage).toStdString();
  request.max_new_tokens = session_.maxNewTokens;
  try {
    if (!QDir().mkpath(folder)) throw IoError(folder.toStdString() + ": cannot create the folder");
    if (stage == QLatin1String("ppo")) {
      // PPO reads JSONL prompts: a pairs file as it is, a text prompt set written out once.
      if (!session_.pairs.isEmpty()) {
        request.prompts = session_.pairs.toStdString();
      } else if (QFileInfo(session_.prompts).suffix() == QLatin1String("jsonl")) {
        request.prompts = session_.prompts.toStdString();
      } else {
        const QString prompts = QDir(folder).filePath(QStringLiteral("prompts.jsonl"));
        write_text_atomically(prompts.toStdString(),
                              prompts_to_jsonl(load_prompt_file(session_.prompts.toStdString())));
        request.prompts = prompts.toStdString();
      }
    }
    const Json experiment = labelled_stage_experiment(request);
    const QString path = uniqueFile(folder, stage, QStringLiteral(".json"));
    write_text_atomically(path.toStdString(), experiment.dump(2) + "\n");
    showMessage(tr("Wrote %1; training it in the Training tab.").arg(path));
    Q_EMIT stageExperimentWritten(path);
    return path;
  } catch (const std::exception& e) {
    fail(QString::fromStdString(e.what()));
    return QString();
  }
}

void RatingPanel::trainingFinished(const QString& run_folder, const QString& status) {
  if (status != QLatin1String("completed")) return;
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
  RatingSession s = session_;
  try {
    const Experiment e = load_experiment((tuned + QStringLiteral("/experiment.json")).toStdString());
    if (!is_direct_preference(e) && !is_policy_optimisation(e))
      throw ConfigError(tuned.toStdString() + ": a stage \"" + to_string(e.stage) +
                        "\" run; before/after compares a dpo or ppo run with its start");
    const QString policy = QString::fromStdString(e.resolve(e.init_from).lexically_normal().string());
    // <set>/before-after/<tuned run>/<annotator>.jsonl, the prompts beside that folder (not among the label files).
    const QDir comparisons(
        QDir(setFolder_.isEmpty() ? labelsRoot_ : setFolder_).filePath(QStringLiteral("before-after")));
    const QString folder = comparisons.filePath(QFileInfo(tuned).fileName());
    if (!QDir().mkpath(folder)) throw IoError(folder.toStdString() + ": cannot create the folder");
    const QString prompts =
        comparisons.filePath(QFileInfo(tuned).fileName() + QStringLiteral("-held-out-prompts.jsonl"));
    write_text_atomically(prompts.toStdString(), prompts_to_jsonl(held_out_prompts(e)));
    s.prompts = prompts;
    s.pairs.clear();
    s.runs = QStringList{policy, tuned};
    s.beforeAfter = true;
    s.labelFile = QDir(folder).filePath(annotator_file_name(s.annotator) + QStringLiteral(".jsonl"));
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
  tunedRun_ = tuned;
  return start(s);
}

}  // namespace cradle
