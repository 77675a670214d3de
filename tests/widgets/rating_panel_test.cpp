// The rating panel (issue 9), driven by the keys a labeller presses over a
// tiny chat model's candidates: the annotator's file holds exactly the labels
// given, in order, with undo applied; reopening continues; auto-advance off
// waits for →; a label survives the process being killed right after its key;
// the annotators' dialog shows a hand-computed kappa and writes
// the merged set; and in the window the labels train a reward model, PPO
// against it, and a blind before/after sitting with its win rate.
#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "core/align/preference_labels.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/train/runtime.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/support/test_registry.h"
#include "widgets/annotator_agreement_dialog.h"
#include "widgets/main_window.h"
#include "widgets/rating_panel.h"
#include "widgets/training_session.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

// The verdict a key gives the item on screen, as the file stores it.
std::string verdict_of(char key, const CandidatePair& pair) {
  const bool left = key == '1' || key == 'A';
  const bool right = key == '2' || key == 'B';
  if (left || right) return left == pair.first_shown_left ? "first" : "second";
  return key == 'T' ? "tie" : "skip";
}

Qt::Key key_of(char key) {
  switch (key) {
    case '1': return Qt::Key_1;
    case '2': return Qt::Key_2;
    case 'A': return Qt::Key_A;
    case 'B': return Qt::Key_B;
    case 'T': return Qt::Key_T;
    case 'S': return Qt::Key_S;
    case 'Z': return Qt::Key_Z;
    default: return Qt::Key_Right;
  }
}

void write_prompts(const QString& file, int count) {
  std::ofstream out(file.toStdString());
  for (int i = 0; i < count; ++i) out << (i < 8 ? "say " : "say a ") << kTinyWords[i % 8] << "\n";
}

PreferenceLabel judged_item(int item, char verdict) {
  PreferenceLabel l;
  l.prompt = {{"user", "question " + std::to_string(item)}};
  l.first = "yes.";
  l.second = "no.";
  l.verdict = verdict == 'F' ? PairVerdict::First : verdict == 'S' ? PairVerdict::Second : PairVerdict::Tie;
  return l;
}

}  // namespace

class RatingPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("CradleTests"));
    QCoreApplication::setApplicationName(QStringLiteral("RatingPanelTest"));
    QSettings().clear();
    configure_runtime(2);
    QVERIFY(dir_.isValid());
    chat_ = QString::fromStdString(tiny_chat_policy(dir_.path().toStdString()).string());
    prompts_ = dir_.filePath("prompts.txt");
    write_prompts(prompts_, 6);
  }

  // A refusal shows under Start (the labelling area is still empty) and in
  // the window's status bar, not only in the hidden Log dock.
  void refusalsShowWhereTheUserLooks() {
    QTemporaryDir workspace;
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    window.resize(1280, 800);
    window.show();
    RatingPanel* panel = window.ratingPanel();
    window.findChild<QTabWidget*>()->setCurrentWidget(panel);
    const auto* under_start = panel->findChild<QLabel*>(QStringLiteral("ratingSetupMessage"));
    QVERIFY(under_start && !under_start->isVisible());
    QVERIFY(!panel->start(session(QStringLiteral(" "))));
    QVERIFY(under_start->isVisible());
    QVERIFY2(under_start->text().contains("annotator"), qPrintable(under_start->text()));
    QVERIFY2(window.statusBar()->currentMessage().contains("annotator"),
             qPrintable(window.statusBar()->currentMessage()));
    RatingSession classifier = session(QStringLiteral("ana"));
    classifier.runs = {dir_.filePath("base").toStdString()};  // the pretrained base run: it does not chat
    QVERIFY(!panel->start(classifier));
    QVERIFY2(under_start->text().contains("needs a chat model"), qPrintable(under_start->text()));
    QVERIFY(window.statusBar()->currentMessage().contains("needs a chat model"));
  }

  // While labelling, the replies and every label button are in view without
  // scrolling, at the usual 1280x800 and at the smallest supported 1024x768.
  void labelButtonsAreInViewWithoutScrolling() {
    for (const QSize size : {QSize(1280, 800), QSize(1024, 768)}) {
      QTemporaryDir workspace;
      MainWindow window;
      window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
      window.resize(size);
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      RatingPanel* panel = window.ratingPanel();
      window.findChild<QTabWidget*>()->setCurrentWidget(panel);
      panel->setFolders(dir_.filePath("labels-view"), dir_.filePath("runs"));
      QVERIFY2(panel->start(session(QStringLiteral("viewer"))), qPrintable(panel->errorText()));
      QTRY_VERIFY_WITH_TIMEOUT(panel->currentPair() != nullptr, 30000);
      QApplication::processEvents();
      if (const QString out = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR"); !out.isEmpty())
        QVERIFY(window.grab().save(QDir(out).filePath(QStringLiteral("rate-labelling-%1.png").arg(size.width()))));
      auto* scroll = panel->findChild<QScrollArea*>();
      QVERIFY(scroll);
      QCOMPARE(scroll->verticalScrollBar()->value(), 0);
      const QRect view = scroll->viewport()->rect();
      for (const char* name : {"chooseLeft", "chooseRight", "chooseTie", "chooseSkip", "undoLabel", "nextItem",
                               "leftReply", "rightReply", "trainRewardModel", "changeRatingSet"}) {
        auto* widget = panel->findChild<QWidget*>(QString::fromLatin1(name));
        QVERIFY2(widget, name);
        const QRect shown(widget->mapTo(scroll->viewport(), QPoint(0, 0)), widget->size());
        QVERIFY2(view.contains(shown), qPrintable(QStringLiteral("%1 at %2x%3: %4,%5 %6x%7 outside the view of %8x%9")
                                                      .arg(QString::fromLatin1(name))
                                                      .arg(size.width())
                                                      .arg(size.height())
                                                      .arg(shown.x())
                                                      .arg(shown.y())
                                                      .arg(shown.width())
                                                      .arg(shown.height())
                                                      .arg(view.width())
                                                      .arg(view.height())));
      }
      QVERIFY(panel->findChild<QWidget*>(QStringLiteral("leftReply"))->height() >= 60);  // a reply reads, not a sliver
    }
  }

  // Too few labels refuse Train Reward Model before anything is asked: rating a
  // pairs file names no chat run, and the folder picker used to open first.
  void tooFewLabelsRefuseBeforeAnyFolderPicker() {
    RatingPanel panel;
    panel.setFolders(dir_.filePath("labels"), dir_.filePath("runs"));
    write_tiny_preferences(dir_.path().toStdString(), 6);
    RatingSession s;
    s.pairs = dir_.filePath("preferences.jsonl").toStdString();
    s.annotator = "few";
    QVERIFY2(panel.start(s), qPrintable(panel.errorText()));
    QTRY_VERIFY_WITH_TIMEOUT(panel.currentPair() != nullptr, 30000);
    QTest::keyClick(&panel, Qt::Key_A);
    panel.findChild<QPushButton*>("trainRewardModel")->click();  // a picker would block here
    QVERIFY2(panel.errorText().contains("decided pairs") && panel.errorText().contains("needs at least 10"),
             qPrintable(panel.errorText()));
  }

  void keysLabelInOrderWithUndoApplied() {
    RatingPanel panel;
    panel.setFolders(dir_.filePath("labels"), dir_.filePath("runs"));
    QVERIFY2(panel.start(session("ana")), qPrintable(panel.errorText()));
    QCOMPARE(panel.labelFile(), dir_.filePath("labels/prompts/ana.jsonl"));
    QCOMPARE(panel.total(), 6);
    struct Expected {
      std::string prompt, verdict;
    };
    std::vector<Expected> expected;
    const auto press = [&](char key) {
      QTRY_VERIFY_WITH_TIMEOUT(panel.currentPair() != nullptr, 30000);
      const CandidatePair shown = *panel.currentPair();
      QCOMPARE(panel.leftText().toStdString(), shown.first_shown_left ? shown.first : shown.second);
      QTest::keyClick(&panel, key_of(key));
      if (key == 'Z') {
        expected.pop_back();
      } else {
        expected.push_back({shown.prompt.back().content, verdict_of(key, shown)});
      }
    };
    // Ratings and a comment go with the next choice, mapped from the sides to the candidates.
    QTRY_VERIFY_WITH_TIMEOUT(panel.currentPair() != nullptr, 30000);
    const bool first_left = panel.currentPair()->first_shown_left;
    panel.setRatings(6, 2);
    panel.setComment(QStringLiteral("left is clearer"));
    press('1');
    for (char key : {'B', 'T', 'S'}) press(key);
    QCOMPARE(panel.progressText(), QStringLiteral("4 of 6 labelled"));
    // → on an item not yet labelled does nothing; Z takes the skip back and shows its item again.
    QTRY_VERIFY_WITH_TIMEOUT(panel.currentPair() != nullptr, 30000);
    QVERIFY(!panel.next());
    press('Z');
    QCOMPARE(panel.currentPair()->prompt.back().content, std::string("say map"));
    QCOMPARE(panel.progressText(), QStringLiteral("3 of 6 labelled"));
    press('2');
    press('A');  // the item that was on screen before the undo comes back next
    QCOMPARE(expected.back().prompt, std::string("say cup"));

    const auto labels = read_preference_labels(panel.labelFile().toStdString());
    QCOMPARE(labels.size(), expected.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
      QCOMPARE(labels[i].prompt.back().content, expected[i].prompt);
      QCOMPARE(to_string(labels[i].verdict), expected[i].verdict);
      QCOMPARE(labels[i].annotator, std::string("ana"));
      QCOMPARE(labels[i].generation["runs"][0].get<std::string>(), chat_.toStdString());
    }
    QCOMPARE(labels[0].first_rating, std::optional<int>(first_left ? 6 : 2));
    QCOMPARE(labels[0].second_rating, std::optional<int>(first_left ? 2 : 6));
    QCOMPARE(labels[0].comment, std::string("left is clearer"));
    QVERIFY(!labels[1].first_rating && labels[1].comment.empty());  // cleared after each label
    QCOMPARE(panel.progressText(), QStringLiteral("5 of 6 labelled"));

    // Reopening continues with the one prompt left.
    RatingPanel reopened;
    reopened.setFolders(dir_.filePath("labels"), dir_.filePath("runs"));
    QVERIFY(reopened.start(session("ana")));
    QCOMPARE(reopened.labelled(), 5);
    QTRY_VERIFY_WITH_TIMEOUT(reopened.currentPair() != nullptr, 30000);
    QCOMPARE(reopened.currentPair()->prompt.back().content, std::string("say hat"));
    QTest::keyClick(&reopened, Qt::Key_A);
    QTRY_VERIFY_WITH_TIMEOUT(reopened.finished(), 30000);
    QCOMPARE(reopened.progressText(), QStringLiteral("6 of 6 labelled"));
    QCOMPARE(read_preference_labels(panel.labelFile().toStdString()).size(), size_t(6));
  }

  void aLabelSurvivesThePanelsProcessBeingKilled() {
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("CRADLE_CRASH_PROMPTS", prompts_);
    env.insert("CRADLE_CRASH_RUN", chat_);
    env.insert("CRADLE_CRASH_LABELS", dir_.filePath("crash-labels"));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {"RatingCrashChild"});
    QVERIFY(child.waitForFinished(120000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);  // SIGKILL right after the key
    const QString output = QString::fromUtf8(child.readAllStandardOutput());
    const auto expected = QRegularExpression("expected verdict (\\w+)").match(output);
    QVERIFY2(expected.hasMatch(), qPrintable(output));
    const auto labels = read_preference_labels(dir_.filePath("crash-labels/prompts/cy.jsonl").toStdString());
    QCOMPARE(labels.size(), size_t(1));
    QCOMPARE(QString::fromStdString(to_string(labels[0].verdict)), expected.captured(1));
  }

  void withoutAutoAdvanceAChoiceCanChangeUntilNext() {
    RatingPanel panel;
    panel.setFolders(dir_.filePath("labels"), dir_.filePath("runs"));
    QVERIFY(panel.start(session("bo")));
    panel.setAutoAdvance(false);
    QTRY_VERIFY_WITH_TIMEOUT(panel.currentPair() != nullptr, 30000);
    const CandidatePair shown = *panel.currentPair();
    QTest::keyClick(&panel, Qt::Key_1);
    QTest::keyClick(&panel, Qt::Key_2);  // changes the label just given
    const auto labels = read_preference_labels(panel.labelFile().toStdString());
    QCOMPARE(labels.size(), size_t(1));
    QCOMPARE(to_string(labels[0].verdict), verdict_of('2', shown));
    QCOMPARE(panel.currentPair()->first, shown.first);  // still on screen
    QTest::keyClick(&panel, Qt::Key_Right);
    QTRY_VERIFY_WITH_TIMEOUT(panel.currentPair() != nullptr, 30000);
    QVERIFY(panel.currentPair()->prompt != shown.prompt);
  }

  void annotatorsAgreementAndMergedSet() {
    QTemporaryDir set;
    // As in the core test: 7 of 10 alike, kappa (0.7 - 0.41) / (1 - 0.41).
    const std::string a = "FFFFSSTTFS", b = "FFSFSFTFFS";
    std::vector<PreferenceLabel> ana, bo;
    for (int i = 0; i < 10; ++i) {
      ana.push_back(judged_item(i, a[static_cast<std::size_t>(i)]));
      bo.push_back(judged_item(i, b[static_cast<std::size_t>(i)]));
    }
    write_preference_labels((set.path() + "/ana.jsonl").toStdString(), ana);
    write_preference_labels((set.path() + "/bo.jsonl").toStdString(), bo);
    std::ofstream(set.filePath("notes.jsonl").toStdString()) << "{\"note\": 1}\n";
    AnnotatorAgreementDialog dialog(set.path());
    QCOMPARE(dialog.annotatorTable()->rowCount(), 2);
    QCOMPARE(dialog.annotatorTable()->item(0, 2)->text(), QStringLiteral("8"));  // ana: 8 decided, 2 ties
    QCOMPARE(dialog.agreementTable()->rowCount(), 1);
    QCOMPARE(dialog.agreementTable()->item(0, 2)->text(), QStringLiteral("10"));
    QCOMPARE(dialog.agreementTable()->item(0, 3)->text(), QStringLiteral("70.0%"));
    QCOMPARE(dialog.agreementTable()->item(0, 4)->text(), QString::number(0.29 / 0.59, 'f', 3));
    dialog.setPolicy(QStringLiteral("unanimous"));
    const QString merged = dialog.writeMerged();
    QCOMPARE(merged, set.filePath("merged/unanimous.jsonl"));
    QCOMPARE(read_preference_labels(merged.toStdString()).size(), size_t(7));
  }

  void labelsTrainARewardModelThenPpoThenBeforeAfterInTheWindow() {
    QTemporaryDir workspace;
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    RatingPanel* panel = window.ratingPanel();
    const QString prompts = workspace.filePath("twenty.txt");
    write_prompts(prompts, 20);
    RatingSession s = session("ana");
    s.prompts = prompts.toStdString();
    QVERIFY2(panel->start(s), qPrintable(panel->errorText()));
    for (int i = 0; i < 20; ++i) {
      QTRY_VERIFY_WITH_TIMEOUT(panel->currentPair() != nullptr, 30000);
      // The labeller's taste: the shorter reply.
      QTest::keyClick(panel, panel->leftText().size() <= panel->rightText().size() ? Qt::Key_A : Qt::Key_B);
    }
    QTRY_VERIFY_WITH_TIMEOUT(panel->finished(), 30000);

    const auto train_stage = [&](const char* button, const char* stage) {
      panel->findChild<QPushButton*>(button)->click();
      QVERIFY2(window.trainingSession()->running(), qPrintable(panel->errorText() + window.errorText()));
      QVERIFY(window.experimentPath().startsWith(workspace.filePath("labels/twenty/experiments/")));
      QCOMPARE(to_string(load_experiment(window.experimentPath().toStdString()).stage), std::string(stage));
      QTRY_VERIFY_WITH_TIMEOUT(!window.trainingSession()->running(), 240000);
      QVERIFY2(window.logText().contains("Training finished"), qPrintable(window.logText()));
    };
    train_stage("trainRewardModel", "reward");
    QVERIFY2(window.logText().contains("Training finished: test preference accuracy"), qPrintable(window.logText()));
    const QString reward = window.trainingSession()->runFolder();
    QVERIFY(panel->findChild<QPushButton*>("runPpo")->toolTip().contains(reward));
    train_stage("runPpo", "ppo");
    QVERIFY2(window.logText().contains("Training finished: test: score"), qPrintable(window.logText()));
    const QString tuned = window.trainingSession()->runFolder();

    // Before/after: the sft policy against the PPO run, blind, on the PPO run's held-out prompts.
    panel->findChild<QPushButton*>("beforeAfter")->click();
    QVERIFY2(panel->errorText().isEmpty(), qPrintable(panel->errorText()));
    QCOMPARE(panel->total(), 2);  // 20 prompts, test_fraction 0.1
    for (int i = 0; i < 2; ++i) {
      QTRY_VERIFY_WITH_TIMEOUT(panel->currentPair() != nullptr, 30000);
      const Json runs = panel->currentPair()->generation["runs"];
      QCOMPARE(runs[0].get<std::string>(), chat_.toStdString());
      QCOMPARE(runs[1].get<std::string>(), tuned.toStdString());
      QTest::keyClick(panel, Qt::Key_A);
    }
    QTRY_VERIFY_WITH_TIMEOUT(panel->finished(), 30000);
    const HeadToHead h = head_to_head(panel->labels(), tuned.toStdString());
    QCOMPARE(h.wins + h.losses, std::int64_t(2));
    QVERIFY2(panel->winRateText().contains(QStringLiteral("win rate %1%").arg(100 * h.win_rate(), 0, 'f', 1)),
             qPrintable(panel->winRateText()));
    QVERIFY(panel->labelFile().startsWith(workspace.filePath("labels/twenty/before-after/")));
  }

 private:
  RatingSession session(const QString& annotator) const {
    RatingSession s;
    s.prompts = prompts_.toStdString();
    s.runs = {chat_.toStdString()};
    s.annotator = annotator.toStdString();
    s.sampling.max_new_tokens = 8;
    s.seed = 3;
    return s;
  }

  QTemporaryDir dir_;
  QString chat_, prompts_;
};

// Run as a child process by aLabelSurvivesThePanelsProcessBeingKilled: one key, then SIGKILL.
class RatingCrashChild : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void labelThenDie() {
    RatingPanel panel;
    panel.setFolders(qEnvironmentVariable("CRADLE_CRASH_LABELS"), QString());
    RatingSession s;
    s.prompts = qEnvironmentVariable("CRADLE_CRASH_PROMPTS").toStdString();
    s.runs = {qEnvironmentVariable("CRADLE_CRASH_RUN").toStdString()};
    s.annotator = "cy";
    s.sampling.max_new_tokens = 8;
    QVERIFY2(panel.start(s), qPrintable(panel.errorText()));
    QTRY_VERIFY_WITH_TIMEOUT(panel.currentPair() != nullptr, 30000);
    std::printf("expected verdict %s\n", verdict_of('2', *panel.currentPair()).c_str());
    std::fflush(stdout);
    QTest::keyClick(&panel, Qt::Key_2);
    ::kill(::getpid(), SIGKILL);
  }
};

// Not a CTest test: bench/rating_walkthrough.sh runs it on the alignment demo's
// fortunes SFT model. A scripted labeller with a taste (a reply that asks a question
// back beats one that does not; otherwise the shorter wins; the same reply twice is a tie) labels 20 pairs by
// keyboard, trains a reward model from them, runs PPO against it and rates the
// before/after sitting the same way; it prints the figures and saves screenshots.
class RatingWalkthrough : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void labelTrainCompare() {
    const QString out = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR", QStringLiteral("studio-screenshots"));
    const QString policy =
        qEnvironmentVariable("CRADLE_RATING_POLICY", QStringLiteral(CRADLE_SOURCE_DIR "/runs/alignment-demo/sft"));
    const int labels = qEnvironmentVariableIntValue("CRADLE_RATING_LABELS") > 0
                           ? qEnvironmentVariableIntValue("CRADLE_RATING_LABELS")
                           : 20;
    QDir().mkpath(out);
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir workspace;
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    window.resize(1280, 800);
    window.show();
    RatingPanel* panel = window.ratingPanel();
    window.findChild<QTabWidget*>("centralTabs")->setCurrentWidget(panel);
    RatingSession s;
    s.prompts = CRADLE_SOURCE_DIR "/projects/alignment-demo/data/instructions.jsonl";
    s.runs = {policy.toStdString()};
    s.annotator = "walkthrough";
    s.sampling.max_new_tokens = 24;
    QVERIFY2(panel->start(s), qPrintable(panel->errorText()));
    const auto taste = [](const QString& left, const QString& right) {
      if (left == right) return Qt::Key_T;
      const bool left_asks = left.trimmed().endsWith('?'), right_asks = right.trimmed().endsWith('?');
      if (left_asks != right_asks) return left_asks ? Qt::Key_1 : Qt::Key_2;
      return left.size() <= right.size() ? Qt::Key_1 : Qt::Key_2;
    };
    QElapsedTimer clock;
    const auto label = [&](int count, const QString& screenshot) {
      for (int i = 0; i < count; ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(panel->currentPair() != nullptr, 60000);
        if (i == count / 2 && !screenshot.isEmpty()) {
          QTest::qWait(50);  // the layout settles, as it does between a person's keys
          QVERIFY(window.grab().save(QDir(out).filePath(screenshot)));
        }
        QTest::keyClick(panel, taste(panel->leftText(), panel->rightText()));
      }
    };
    clock.start();
    label(labels, QStringLiteral("6-rating-panel.png"));
    qInfo("labelled %d pairs by keyboard in %.1f s (candidates written ahead by the worker)", labels,
          clock.elapsed() / 1000.0);
    const auto train = [&](const char* button) {
      clock.start();
      panel->findChild<QPushButton*>(button)->click();
      QVERIFY2(window.trainingSession()->running(), qPrintable(panel->errorText() + window.errorText()));
      QTRY_VERIFY_WITH_TIMEOUT(!window.trainingSession()->running(), 1800000);
      const QString run = window.trainingSession()->runFolder();
      const Json report = Json::parse(read_file((run + "/report.json").toStdString()));
      qInfo("%s: %s in %.1f s; %s", button, report["status"].get<std::string>().c_str(), clock.elapsed() / 1000.0,
            report["metrics"].dump().substr(0, 600).c_str());
      window.findChild<QTabWidget*>("centralTabs")->setCurrentWidget(panel);
    };
    train("trainRewardModel");
    QVERIFY(window.grab().save(QDir(out).filePath("7-rating-reward-trained.png")));
    train("runPpo");
    panel->findChild<QPushButton*>("beforeAfter")->click();
    QVERIFY2(panel->errorText().isEmpty(), qPrintable(panel->errorText()));
    label(std::min(labels, panel->total()), QString());
    QTRY_VERIFY_WITH_TIMEOUT(panel->currentPair() != nullptr || panel->finished(), 60000);
    QVERIFY(window.grab().save(QDir(out).filePath("8-before-after.png")));
    qInfo("before/after on %d held-out prompts: %s", panel->total(), qPrintable(panel->winRateText()));
  }
};

CRADLE_REGISTER_TEST(RatingPanelTest);
CRADLE_REGISTER_TEST(RatingWalkthrough);
CRADLE_REGISTER_TEST(RatingCrashChild);

}  // namespace cradle::test

#include "rating_panel_test.moc"
