// Following metrics.jsonl as a run writes it: only complete lines, every
// record once, bad lines named by line number and skipped, a replaced file
// read again.
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

#include "core/run/metrics_follower.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class MetricsFollowerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void readsCompleteLinesAsTheFileGrows() {
    QTemporaryDir dir;
    const std::filesystem::path file = dir.filePath("metrics.jsonl").toStdString();
    MetricsFollower follower(file);
    QVERIFY(follower.read_new().empty());  // not written yet
    const auto append = [&](const std::string& text) { std::ofstream(file, std::ios::app) << text; };
    append(
        R"({"kind":"start","epochs":2,"steps_per_epoch":10,"total_steps":20,"train_samples":160,"batch_size":16,"start_step":0})"
        "\n"
        R"({"kind":"train","step":5,"epoch":1,"split":"train","loss":1.25,"accuracy":0.5,"lr":0.01,"samples_per_sec":900,)");
    auto update = follower.read_new();
    QVERIFY(update.plan && update.plan->total_steps == 20 && update.plan->batch_size == 16);
    QVERIFY(update.steps.empty());  // the second line is not complete yet
    append(
        R"("wall_time":0.5})"
        "\n"
        R"({"kind":"eval","step":10,"epoch":1,"split":"validation","loss":0.9,"accuracy":0.75,"samples":40,"wall_time":1})"
        "\n");
    update = follower.read_new();
    QCOMPARE(update.steps.size(), size_t(1));
    QCOMPARE(update.steps[0].loss, 1.25);
    QCOMPARE(update.steps[0].samples_per_second, 900.0);
    QCOMPARE(update.steps[0].wall_seconds, 0.5);
    QCOMPARE(update.evaluations.size(), size_t(1));
    QCOMPARE(update.evaluations[0].split, std::string("validation"));
    QCOMPARE(update.evaluations[0].accuracy, 0.75);
    QVERIFY(follower.read_new().empty());  // nothing new

    append(
        "{\"kind\":\"train\",\"step\":\"six\"}\nnot json\n"
        R"({"kind":"eval","step":20,"epoch":2,"split":"test","loss":0.3,"mae":0.2,"rmse":0.3,"r2":0.9,"samples":80})"
        "\n");
    update = follower.read_new();
    QCOMPARE(update.problems.size(), size_t(2));
    QVERIFY2(update.problems[0].rfind("metrics.jsonl:4: ", 0) == 0, update.problems[0].c_str());
    QVERIFY2(update.problems[1] == "metrics.jsonl:5: not a JSON object", update.problems[1].c_str());
    QCOMPARE(update.evaluations.size(), size_t(1));  // reading goes on after bad lines
    QCOMPARE(*update.evaluations[0].mae, 0.2);

    // A new run writing a new, shorter file: read again from its start.
    std::ofstream(file, std::ios::trunc)
        << R"({"kind":"eval","step":1,"epoch":1,"split":"validation","loss":2,"accuracy":0.1,"samples":4})"
           "\n";
    update = follower.read_new();
    QCOMPARE(update.evaluations.size(), size_t(1));
    QCOMPARE(update.evaluations[0].loss, 2.0);
  }

  void countsMustBeWholeNumbers() {
    MetricsUpdate update;
    std::string problem;
    // A float step is read when it is whole; one beyond any count is a named problem, never undefined behaviour.
    QVERIFY(parse_metrics_line(R"({"kind": "eval", "split": "test", "step": 20.0, "epoch": 2, "loss": 0.3})", update,
                               problem));
    QCOMPARE(update.evaluations.back().step, std::int64_t(20));
    QVERIFY(!parse_metrics_line(R"({"kind": "eval", "split": "test", "step": 2.3e84, "epoch": 2, "loss": 0.3})", update,
                                problem));
    QCOMPARE(QString::fromStdString(problem), QStringLiteral("step is not a whole number: 2.3e+84"));
    QVERIFY(!parse_metrics_line(R"({"kind": "train", "step": 1.5, "epoch": 1, "loss": 1})", update, problem));
    QVERIFY(!parse_metrics_line(R"({"kind": "start", "epochs": 2, "total_steps": 4})", update, problem));
    QCOMPARE(QString::fromStdString(problem), QStringLiteral("key 'steps_per_epoch' not found"));
  }

  void stageFiguresAreKeptAsExtras() {
    // PPO's figures follow the common fields; strings and the common numbers are not extras.
    MetricsUpdate update;
    std::string problem;
    QVERIFY(parse_metrics_line(
        R"({"kind": "train", "step": 3, "epoch": 1, "loss": 0.5, "lr": 0.001, "score": 0.75, "kl": 2.5, "split": "train"})",
        update, problem));
    const auto& extra = update.steps.back().extra;
    QCOMPARE(extra.size(), size_t(2));
    QCOMPARE(extra[0].first, std::string("kl"));  // by name
    QCOMPARE(extra[0].second, 2.5);
    QCOMPARE(extra[1].first, std::string("score"));
  }
};

CRADLE_REGISTER_TEST(MetricsFollowerTest);

}  // namespace cradle::test

#include "metrics_follower_test.moc"
