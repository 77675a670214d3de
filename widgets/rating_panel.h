#pragma once
// The rating panel (issue 9): people compare two replies to a prompt and say
// which is better, by keyboard (1/A left, 2/B right, T tie, S skip, Z undo,
// → next) or mouse, with optional 1-7 ratings and a comment. The sitting
// itself (what is shown, what was labelled, undo, where the files go) is
// core/align/rating_sitting.h; this panel lays it out and forwards the keys.
// The labels then train the next stage: "Train reward model", "Run DPO" and
// "Run PPO" write the stage's experiment (core/align/labelled_stages.h) and
// ask the window to train it; "Before/after" rates the old policy against the
// tuned one on prompts it never trained on, blind, and shows the win rate.
#include <QTimer>
#include <QWidget>

#include <memory>

#include "core/align/rating_sitting.h"
#include "core/experiment/stage.h"
#include "core/run/run_index.h"

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;

namespace cradle {

class RatingSetupForm;

class RatingPanel : public QWidget {
  Q_OBJECT

 public:
  explicit RatingPanel(QWidget* parent = nullptr);
  ~RatingPanel() override;

  // Label sets live in <root>/<set>/ (default: <workspace>/labels); dialogs open in `runs`.
  void setFolders(const QString& labels_root, const QString& runs_root);
  RatingSetupForm* setupForm() const { return setup_; }

  // Opens the annotator's file (continuing it) and starts producing candidates;
  // false with the reason in errorText() when something is wrong.
  bool start(const RatingSession& session);
  QString errorText() const { return error_; }

  using Verdict = ShownVerdict;
  // What the keys do; each returns false when there is nothing to act on.
  bool choose(Verdict verdict);
  bool undo();
  bool next();
  void setAutoAdvance(bool on);
  // The rating (1-7, 0: none) and comment that go with the next choice.
  void setRatings(int left, int right);
  void setComment(const QString& comment);

  const CandidatePair* currentPair() const { return sitting_ ? sitting_->current() : nullptr; }
  QString leftText() const;
  QString rightText() const;
  QString labelFile() const;
  const std::vector<PreferenceLabel>& labels() const;
  int labelled() const;  // of this set's items
  int total() const;
  QString progressText() const;
  QString winRateText() const;  // before/after sittings
  bool finished() const;        // every item labelled

  // The stages' runs: the window reports every training it finishes; a
  // completed reward run enables "Run PPO", a completed dpo or ppo run "Before/after".
  void trainingFinished(const QString& run_folder, RunStatus status);
  void setRewardRun(const QString& run_folder) {
    rewardRun_ = run_folder;
    updateButtons();
  }
  void setTunedRun(const QString& run_folder) {
    tunedRun_ = run_folder;
    updateButtons();
  }
  // Writes the stage's experiment (reward, dpo or ppo) from the chosen label
  // file and the runs; its path (and emits stageExperimentWritten), or empty with errorText().
  QString writeStageExperiment(Stage stage);
  // Starts the blind before/after sitting for the tuned run (or `tuned_run`).
  bool startBeforeAfter(const QString& tuned_run = QString());
  // The label file the stage buttons train on: the annotator's, or a merged set.
  void setTrainingLabels(const QString& file);
  QString trainingLabels() const;
  QString setFolder() const;

 Q_SIGNALS:
  void stageExperimentWritten(const QString& experiment_file);
  void problem(const QString& message);

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void pollQueue();
  void advance();  // the next item, with empty ratings and comment
  void showItem();
  void showMessage(const QString& text, bool error = false);
  void updateProgress();
  void updateButtons();
  void refreshTrainingFiles();
  bool fail(const QString& message);
  ChoiceNotes notes() const;

  RatingSetupForm* setup_;
  QGroupBox* setupBox_;
  QWidget* labelling_;
  QLabel *progress_, *rate_, *winRate_, *message_;
  QLabel* setupMessage_;  // under Start: why a session did not start
  QTextBrowser *prompt_, *left_, *right_;
  QGroupBox *leftBox_, *rightBox_;
  QComboBox *leftRating_, *rightRating_, *trainingFiles_;
  QLineEdit* comment_;
  QCheckBox *autoAdvance_, *reveal_;
  QPushButton *leftButton_, *rightButton_, *tieButton_, *skipButton_, *undoButton_, *nextButton_;
  QPushButton *rewardButton_, *dpoButton_, *ppoButton_, *beforeAfterButton_, *agreementButton_, *changeButton_;

  QString labelsRoot_, runsRoot_, error_;
  std::unique_ptr<RatingSitting> sitting_;
  QTimer poll_;
  QString rewardRun_, tunedRun_;
};

}  // namespace cradle
