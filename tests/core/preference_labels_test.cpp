// The rating panel's label files (core/align/preference_labels.h): labels
// read back as written, train as preference pairs (ties and skips left out),
// undo rewrites the file without the last label, a label survives the
// process being killed right after it was given, and agreement and merging
// match hand-computed values, as does a before/after win rate.
#include <QTemporaryDir>
#include <QTest>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>

#include "core/align/preference_labels.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

PreferenceLabel label_for(const std::string& question, const std::string& verdict) {
  PreferenceLabel l;
  l.prompt = {{"user", question}};
  l.first = "yes.";
  l.second = "no. Why do you ask?";
  l.verdict = *parse_pair_verdict(verdict);
  l.annotator = "ana";
  l.labelled_at = "2026-11-29T17:40:00Z";
  return l;
}

// Ten items judged by two annotators: F first, S second, T tie.
std::vector<PreferenceLabel> judged(const std::string& verdicts) {
  std::vector<PreferenceLabel> labels;
  for (std::size_t i = 0; i < verdicts.size(); ++i)
    labels.push_back(label_for("question " + std::to_string(i), verdicts[i] == 'F'   ? "first"
                                                                : verdicts[i] == 'S' ? "second"
                                                                : verdicts[i] == 'T' ? "tie"
                                                                                     : "skip"));
  return labels;
}

}  // namespace

class PreferenceLabelsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void labelsReadBackAndTrainAsPreferences() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "ana.jsonl";
    {
      PreferenceLabelFile labels(file);
      auto second_wins = label_for("is it raining?", "second");
      second_wins.first_shown_left = false;
      second_wins.first_rating = 2;
      second_wins.second_rating = 6;
      second_wins.comment = "asks back";
      labels.append(second_wins);
      labels.append(label_for("is it late?", "first"));
      labels.append(label_for("is it cold?", "tie"));
      labels.append(label_for("is it far?", "skip"));
    }
    PreferenceLabelFile reopened(file);
    QCOMPARE(reopened.labels().size(), size_t(4));
    const auto& l = reopened.labels()[0];
    QCOMPARE(to_string(l.verdict), std::string("second"));
    QVERIFY(!l.first_shown_left);
    QVERIFY(l.first_rating == 2 && l.second_rating == 6);
    QCOMPARE(l.comment, std::string("asks back"));
    QVERIFY(reopened.has_item(label_for("is it cold?", "tie").item_id()));
    // The item is the prompt and its two candidates, whatever the verdict or side.
    QCOMPARE(label_for("is it cold?", "first").item_id(), label_for("is it cold?", "skip").item_id());
    QVERIFY(label_for("is it cold?", "first").item_id() != label_for("is it hot?", "first").item_id());

    // The reward model's reader sees two preferences, the winner chosen, and leaves the tie and the skip out.
    const auto set = parse_preference_jsonl(read_file(file), file.string());
    QCOMPARE(set.pairs.size(), size_t(2));
    QCOMPARE(set.undecided, std::int64_t(2));
    QCOMPARE(set.pairs[0].chosen, std::string("no. Why do you ask?"));
    QCOMPARE(set.pairs[1].chosen, std::string("yes."));
  }

  void undoTakesTheLastLabelBack() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "ana.jsonl";
    PreferenceLabelFile labels(file);
    QVERIFY(!labels.undo());
    labels.append(label_for("a?", "first"));
    labels.append(label_for("b?", "second"));
    const auto taken = labels.undo();
    QVERIFY(taken && taken->prompt[0].content == "b?");
    labels.append(label_for("c?", "tie"));
    const auto reread = PreferenceLabelFile(file).labels();
    QCOMPARE(reread.size(), size_t(2));
    QCOMPARE(reread[0].prompt[0].content, std::string("a?"));
    QCOMPARE(reread[1].prompt[0].content, std::string("c?"));
  }

  void aLabelSurvivesTheProcessBeingKilled() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "ana.jsonl";
    const pid_t child = fork();
    QVERIFY(child >= 0);
    if (child == 0) {
      PreferenceLabelFile labels(file);
      labels.append(label_for("still there?", "first"));
      ::raise(SIGKILL);  // no destructor, no flush at exit: only what append() made durable remains
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    const auto labels = PreferenceLabelFile(file).labels();
    QCOMPARE(labels.size(), size_t(1));
    QCOMPARE(labels[0].prompt[0].content, std::string("still there?"));
  }

  void agreementByHand() {
    // Matches on 7 of 10; marginals a (F 5, S 3, T 2), b (F 6, S 3, T 1): chance 0.5*0.6 + 0.3*0.3 + 0.2*0.1 = 0.41,
    // kappa (0.7 - 0.41) / (1 - 0.41) = 0.4915. A skip and an item only one of them labelled do not count.
    auto a = judged("FFFFSSTTFS"), b = judged("FFSFSFTFFS");
    a.push_back(label_for("question 10", "skip"));
    b.push_back(label_for("question 10", "first"));
    b.push_back(label_for("only b", "first"));
    const auto agreement = label_agreement(a, b);
    QCOMPARE(agreement.shared, std::int64_t(10));
    QVERIFY(std::abs(agreement.percent - 0.7) < 1e-12);
    QVERIFY(std::abs(agreement.kappa - 0.29 / 0.59) < 1e-12);
    QCOMPARE(label_agreement(a, a).kappa, 1.0);
  }

  void mergingFollowsThePolicy() {
    const auto one = judged("FT"), two = judged("FT"), three = judged("ST");
    const auto majority = merge_labels({one, two, three}, "majority");
    QCOMPARE(majority.size(), size_t(2));
    QCOMPARE(to_string(majority[0].verdict), std::string("first"));  // 2 of 3
    QCOMPARE(to_string(majority[1].verdict), std::string("tie"));
    const auto unanimous = merge_labels({one, two, three}, "unanimous");
    QCOMPARE(unanimous.size(), size_t(1));  // only the tie everyone gave
    QCOMPARE(to_string(unanimous[0].verdict), std::string("tie"));
    QCOMPARE(to_string(merge_labels({three, one}, "first")[0].verdict), std::string("second"));
    QCOMPARE(to_string(merge_labels({judged("F"), judged("S")}, "majority")[0].verdict),
             std::string("tie"));  // an even split
    try {
      merge_labels({one}, "loudest");
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY(QString(error.what()).contains("expected majority, unanimous or first"));
    }
  }

  void beforeAfterWinRateCountsTheNewRunsWins() {
    // Blind pairs of an old and a new run, the new one generated first or second.
    auto pair = [](const std::string& first_run, const std::string& verdict) {
      PreferenceLabel l = label_for("q " + first_run + verdict, verdict);
      l.generation = {{"runs", {first_run, first_run == "new" ? "old" : "new"}}};
      return l;
    };
    std::vector<PreferenceLabel> labels = {pair("new", "first"), pair("old", "second"), pair("old", "first"),
                                           pair("new", "tie"),   pair("new", "skip"),   pair("old", "second")};
    PreferenceLabel one_run = label_for("two samples of one run", "first");
    one_run.generation = {{"runs", {"new", "new"}}};
    labels.push_back(one_run);
    const HeadToHead h = head_to_head(labels, "new");
    QCOMPARE(h.wins, std::int64_t(3));
    QCOMPARE(h.losses, std::int64_t(1));
    QCOMPARE(h.ties, std::int64_t(1));
    QVERIFY(std::abs(h.win_rate() - 3.5 / 5) < 1e-12);
    QCOMPARE(head_to_head(labels, "old").wins, std::int64_t(1));
    QCOMPARE(HeadToHead{}.win_rate(), 0.0);
  }

  void aWholeSetIsWrittenAndReadWithoutAnAppender() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "merged" / "majority.jsonl";
    fs::create_directories(file.parent_path());
    const auto labels = judged("FST");
    write_preference_labels(file, labels);
    const auto back = read_preference_labels(file);
    QCOMPARE(back.size(), size_t(3));
    QCOMPARE(to_string(back[1].verdict), std::string("second"));
    QCOMPARE(back[2].item_id(), labels[2].item_id());
  }

  void aBadLabelNamesItsLine() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "ana.jsonl";
    {
      PreferenceLabelFile labels(file);
      labels.append(label_for("a?", "first"));
    }
    std::string content = read_file(file);
    Json bad = preference_label_to_json(label_for("b?", "first"));
    bad["verdict"] = "maybe";
    write_text_atomically(file, content + bad.dump() + "\n");
    try {
      PreferenceLabelFile reopened(file);
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("ana.jsonl:2: \"verdict\" must be"), error.what());
    }
  }
};

CRADLE_REGISTER_TEST(PreferenceLabelsTest);

}  // namespace cradle::test

#include "preference_labels_test.moc"
