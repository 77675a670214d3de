// A rating sitting without the panel (core/align/rating_sitting.h): the pair
// shown, labels mapped from the screen's sides to the candidates, a second
// choice replacing the first, undo showing the pair again, a reopened sitting
// continuing where the annotator stopped, and where its files go.
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <set>

#include "core/align/rating_sitting.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

// Qt's letter test, as the studio named label files before the sitting moved
// to the core: the reference for the scripts people write names in.
std::string qt_file_name(const std::string& annotator) {
  QString name = QString::fromStdString(annotator).trimmed();
  for (QChar& c : name)
    if (!(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.')))
      c = QLatin1Char('_');
  if (name.isEmpty() || name.startsWith(QLatin1Char('.'))) name.prepend(QLatin1Char('_'));
  return name.toStdString();
}

}  // namespace

class RatingSittingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    root_ = dir_.path().toStdString();
    write_tiny_preferences(root_, 6);
    write_tiny_chat_files(root_);  // what the pretrain experiment of refusalsNameWhatIsMissing reads
  }

  void choicesMapFromTheScreensSidesAndUndoShowsThePairAgain() {
    RatingSitting sitting(session("Ana"), root_ / "labels");
    QCOMPARE(sitting.label_file(), root_ / "labels" / "preferences" / "Ana.jsonl");
    QCOMPARE(sitting.total(), 6);
    QCOMPARE(sitting.labelled(), 0);
    QCOMPARE(sitting.poll(), RatingSitting::Next::Shown);
    const CandidatePair first = *sitting.current();

    ChoiceNotes notes;
    notes.left_rating = 6;
    notes.right_rating = 2;
    notes.comment = "left is clearer";
    const PreferenceLabel label = sitting.choose(ShownVerdict::Left, notes);
    QCOMPARE(label.verdict, first.first_shown_left ? PairVerdict::First : PairVerdict::Second);
    QCOMPARE(label.first_rating, std::optional<int>(first.first_shown_left ? 6 : 2));
    QCOMPARE(label.second_rating, std::optional<int>(first.first_shown_left ? 2 : 6));
    QVERIFY(sitting.current_labelled());
    // A second choice on the pair still shown replaces the first.
    sitting.choose(ShownVerdict::Right, {});
    QCOMPARE(sitting.labelled(), 1);
    auto saved = read_preference_labels(sitting.label_file());
    QCOMPARE(saved.size(), std::size_t(1));
    QCOMPARE(saved[0].verdict, first.first_shown_left ? PairVerdict::Second : PairVerdict::First);
    QVERIFY(!saved[0].first_rating && saved[0].comment.empty());

    sitting.advance();
    QCOMPARE(sitting.poll(), RatingSitting::Next::Shown);
    const CandidatePair second = *sitting.current();
    QVERIFY(second.prompt != first.prompt || second.first != first.first);
    sitting.choose(ShownVerdict::Tie, {});
    sitting.advance();
    QCOMPARE(sitting.poll(), RatingSitting::Next::Shown);
    const CandidatePair third = *sitting.current();
    // Undo: the tie is taken back and its pair shown again; the pair on screen comes after it.
    const auto undone = sitting.undo();
    QVERIFY(undone && undone->verdict == PairVerdict::Tie);
    QCOMPARE(shown_verdict(undone->verdict, undone->first_shown_left), ShownVerdict::Tie);
    QCOMPARE(sitting.current()->first, second.first);
    QVERIFY(!sitting.current_labelled());
    QCOMPARE(sitting.labelled(), 1);
    sitting.choose(ShownVerdict::Skip, {});
    sitting.advance();
    QCOMPARE(sitting.poll(), RatingSitting::Next::Shown);
    QCOMPARE(sitting.current()->first, third.first);
    QCOMPARE(read_preference_labels(sitting.label_file()).size(), std::size_t(2));
  }

  void aReopenedSittingContinuesAndFinishes() {
    {
      RatingSitting sitting(session("bo"), root_ / "labels");
      for (int i = 0; i < 2; ++i) {
        QCOMPARE(sitting.poll(), RatingSitting::Next::Shown);
        sitting.choose(ShownVerdict::Left, {});
        sitting.advance();
      }
    }
    RatingSitting again(session("bo"), root_ / "labels");
    QCOMPARE(again.labelled(), 2);
    QCOMPARE(again.total(), 6);
    std::set<std::string> items;
    for (const auto& label : again.labels()) items.insert(label.item_id());
    int shown_items = 0;
    while (again.poll() == RatingSitting::Next::Shown) {
      PreferenceLabel probe;
      probe.prompt = again.current()->prompt;
      probe.first = again.current()->first;
      probe.second = again.current()->second;
      QVERIFY2(items.insert(probe.item_id()).second, "an item labelled before is shown again");
      again.choose(ShownVerdict::Right, {});
      again.advance();
      ++shown_items;
    }
    QCOMPARE(shown_items, 4);
    QVERIFY(again.finished());
    QVERIFY(again.source_error().empty());
    QCOMPARE(again.labelled(), 6);
    // An undo after the end shows the last pair again.
    QVERIFY(again.undo().has_value());
    QVERIFY(!again.finished() && again.current());
  }

  void refusalsNameWhatIsMissing() {
    const auto refusal = [&](const RatingSession& s) {
      try {
        RatingSitting sitting(s, root_ / "labels");
      } catch (const ConfigError& e) {
        return std::string(e.what());
      }
      return std::string("accepted");
    };
    QVERIFY(refusal(session(" ")).find("annotator") != std::string::npos);
    RatingSession nothing;
    nothing.annotator = "cy";
    QVERIFY(refusal(nothing).find("nothing to rate") != std::string::npos);

    RatingSitting sitting(session("cy"), root_ / "labels");
    QVERIFY(!sitting.has_policy_run());
    QVERIFY_THROWS_EXCEPTION(ConfigError, sitting.write_stage_experiment(Stage::Reward, sitting.label_file(), {}));
    // Before/after takes a dpo or ppo run, not the pretrained base.
    const fs::path base = root_ / "base-run";
    fs::create_directories(base);
    write_text_atomically(base / "experiment.json", tiny_pretrain_experiment(root_).dump(2));
    try {
      sitting.before_after_session(base);
      QFAIL("a pretrain run was accepted for before/after");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("before/after compares a dpo or ppo run") != std::string::npos, e.what());
    }
  }

  void mergedSetsAreListedBesideTheLabels() {
    RatingSitting sitting(session("di"), root_ / "labels");
    const fs::path merged = sitting.set_folder() / "merged";
    fs::create_directories(merged);
    for (const char* name : {"unanimous.jsonl", "majority.jsonl", "notes.txt"}) std::ofstream(merged / name) << "\n";
    const auto files = sitting.merged_label_files();
    QCOMPARE(files.size(), std::size_t(2));
    QCOMPARE(files[0], merged / "majority.jsonl");
    QCOMPARE(files[1], merged / "unanimous.jsonl");
  }

  void annotatorFileNamesKeepLettersOfEveryScript() {
    for (const char* name : {"ana", "  Ana Lí ", "李华", "Иван Петров", "Ωμέγα", "김민수", "田中さん", "علي",
                             "José·María", "ana/../x", ".hidden", "", "Ana ☺", "a—b", "x\ty", "O'Brien", "ß-ü_ø.2"})
      QCOMPARE(QString::fromStdString(annotator_file_name(name)), QString::fromStdString(qt_file_name(name)));
    QCOMPARE(annotator_file_name("bad\xff"), std::string("bad_"));  // a byte that is not UTF-8
  }

 private:
  RatingSession session(const std::string& annotator) const {
    RatingSession s;
    s.pairs = root_ / "preferences.jsonl";
    s.annotator = annotator;
    s.seed = 3;
    return s;
  }

  QTemporaryDir dir_;
  fs::path root_;
};

CRADLE_REGISTER_TEST(RatingSittingTest);

}  // namespace cradle::test

#include "rating_sitting_test.moc"
