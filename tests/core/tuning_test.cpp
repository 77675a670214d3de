// Finding good settings (issue 14): the learning-rate range test's arithmetic
// on known curves, and the test itself on a tiny experiment — each step at the
// range's rate, stopped on divergence, a suggestion, and the scratch run gone;
// sweep files (their errors), the configurations they give, and sweeps run on a
// tiny experiment: ranking, summary, best configuration, successive halving's
// rungs, and an interrupted sweep continuing without re-running a trial.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/run/learning_rate_finder.h"
#include "core/train/learning_rate_range.h"
#include "core/tune/sweep_configurations.h"
#include "core/tune/sweep_runner.h"
#include "core/tune/sweep_spec.h"
#include "core/tune/trial_execution.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace fs = std::filesystem;
namespace {

// A loss that is a parabola in log10(lr) with its lowest point at `best`, rising steeply after it.
double bowl(double lr, double best) {
  const double x = std::log10(lr / best);
  return 1.0 + (x < 0 ? 0.5 * x * x : 2.0 * x * x);
}

int scratch_folders() {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path()))
    count += entry.path().filename().string().rfind("cradle-lr-find-", 0) == 0;
  return count;
}

}  // namespace

class TuningTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void rangeGrowsExponentiallyBetweenItsEnds() {
    const LearningRateRange range{1e-6, 1.0, 61};
    QCOMPARE(range.at(0), 1e-6);
    QVERIFY(std::abs(range.at(60) - 1.0) < 1e-12);
    QVERIFY(std::abs(range.at(30) - 1e-3) < 1e-12);  // halfway in log
    QVERIFY_THROWS_EXCEPTION(ConfigError, check_learning_rate_range({1e-3, 1e-4, 100}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, check_learning_rate_range({0, 1, 100}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, check_learning_rate_range({1e-5, 1, 3}));
  }

  void curveStopsWhenTheLossDiverges() {
    RangeTestCurve curve;
    const LearningRateRange range{1e-6, 10, 100};
    std::int64_t step = 0;
    while (step < range.steps && curve.add(range.at(step), bowl(range.at(step), 1e-2))) ++step;
    QVERIFY(curve.diverged());
    QVERIFY2(step < range.steps - 1, "the bowl rises fourfold well before 10");
    const auto& last = curve.points().back();
    QVERIFY(last.smoothed > 4 * 1.0 && last.lr > 1e-2);
    RangeTestCurve with_nan;
    QVERIFY(with_nan.add(1e-5, 2.0));
    QVERIFY(!with_nan.add(1e-4, std::nan("")));
    QVERIFY(with_nan.diverged());
  }

  void suggestsATenthOfTheLowestLoss() {
    for (const double best : {1e-3, 3e-2}) {
      const LearningRateRange range{1e-6, 10, 200};
      std::vector<RangeTestPoint> points;
      for (std::int64_t i = 0; i < range.steps; ++i)
        points.push_back({range.at(i), bowl(range.at(i), best) + 0.01 * std::sin(7.0 * static_cast<double>(i)), 0});
      const auto suggestion = suggest_learning_rate(points);
      QVERIFY(suggestion.has_value());
      // Within a quarter of a decade (the centred average leans a little towards the gentler, lower side).
      QVERIFY2(std::abs(std::log10(suggestion->lowest_lr / best)) < 0.25,
               qPrintable(QString::number(suggestion->lowest_lr)));
      QVERIFY(std::abs(suggestion->lr - suggestion->lowest_lr / 10) < 1e-15);
      QVERIFY(suggestion->steepest_lr < suggestion->lowest_lr);
    }
    // A loss that only rises, or too few points: no suggestion.
    std::vector<RangeTestPoint> rising;
    for (int i = 0; i < 50; ++i) rising.push_back({1e-4 * (i + 1), 1.0 + i, 0});
    QVERIFY(!suggest_learning_rate(rising).has_value());
    QVERIFY(!suggest_learning_rate({{1e-3, 1, 1}, {1e-2, 0.5, 0.5}}).has_value());
  }

  void findsARateOnATinyExperimentAndLeavesNothingBehind() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 256, 32);
    const Experiment experiment = load_experiment(
        write_quadrant_experiment(dir.path(), R"({"train": {"batch_size": 16, "optimizer": "sgd", "momentum": 0}})")
            .toStdString());
    const int scratch_before = scratch_folders();
    std::vector<RangeTestPoint> heard;
    const LearningRateRange range{1e-4, 1e3, 60};
    const LearningRateFinding finding =
        find_learning_rate(experiment, range, nullptr, [&](const RangeTestPoint& p) { heard.push_back(p); });
    QCOMPARE(heard.size(), finding.points.size());
    QVERIFY(finding.points.size() >= 20 && finding.points.size() <= 60);
    for (std::size_t i = 0; i < finding.points.size(); ++i)  // each step at the range's rate (steps span epochs)
      QVERIFY2(std::abs(finding.points[i].lr / range.at(static_cast<std::int64_t>(i)) - 1) < 1e-6,
               qPrintable(QString::number(i)));
    QVERIFY2(finding.diverged, "plain SGD at 1000 blows up");
    QVERIFY(finding.suggestion.has_value());
    QVERIFY2(finding.suggestion->lr > 1e-4 && finding.suggestion->lr < 10,
             qPrintable(QString::number(finding.suggestion->lr)));
    QCOMPARE(scratch_folders(), scratch_before);                                        // the scratch run is removed
    QCOMPARE(QDir(dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 0);  // nothing beside the data
    const Json json = learning_rate_finding_json(finding);
    QCOMPARE(json["points"].size(), finding.points.size());
    QCOMPARE(json["suggested_lr"].get<double>(), finding.suggestion->lr);

    Experiment ppo = experiment;
    ppo.stage = Stage::Ppo;
    QVERIFY_THROWS_EXCEPTION(ConfigError, find_learning_rate(ppo, range));
  }

  void sweepFilesAreCheckedFieldByField() {
    const auto message = [](const std::string& text) {
      try {
        parse_sweep_spec(text, "s.json");
      } catch (const ConfigError& error) {
        return QString::fromStdString(error.what());
      }
      return QString();
    };
    const std::string good =
        R"({"name": "s", "experiment": "e.json", "parameters": {"train.lr": {"log_uniform": [1e-4, 1e-2]}}})";
    QCOMPARE(message(good), QString());
    const SweepSpec spec = parse_sweep_spec(good, "s.json");
    QCOMPARE(spec.method, std::string("random"));
    QCOMPARE(parse_sweep_spec(sweep_spec_to_json(spec).dump(), "again").parameters[0].max, 1e-2);  // round trip
    QVERIFY(message(R"({"experiment": "e.json", "parameters": {"a": {"values": [1]}}})").contains("name"));
    QVERIFY(message(R"({"name": "s", "experiment": "e.json", "parameters": {"train.lr": {"log_uniform": [0, 1]}}})")
                .contains("parameters.train.lr: log_uniform: min must be > 0"));
    QVERIFY(message(R"({"name": "s", "experiment": "e.json", "parameters": {"train.lr": {"normal": [0, 1]}}})")
                .contains("unknown distribution \"normal\""));
    QVERIFY(
        message(
            R"({"name": "s", "experiment": "e.json", "method": "grid", "parameters": {"train.lr": {"uniform": [0, 1]}}})")
            .contains("grid needs"));
    QVERIFY(message(R"({"name": "s", "experiment": "e.json", "parameters": {"a": {"values": [1]}}, "trails": 3})")
                .contains("trails"));
    QVERIFY(message(R"({"name": "s", "experiment": "e.json", "parameters": {}})").contains("parameters"));
    QVERIFY(message("{\"name\": ").startsWith("s.json: not valid JSON"));
  }

  void configurationsAreTheGridOrSeededDraws() {
    SweepSpec grid = parse_sweep_spec(R"({"name": "g", "experiment": "e", "method": "grid",
        "parameters": {"train.lr": {"values": [0.1, 0.01]}, "train.optimizer": {"values": ["sgd", "adam", "adamw"]}}})",
                                      "g");
    const auto all = sweep_configurations(grid);
    QCOMPARE(all.size(), std::size_t(6));
    QCOMPARE(all[0].overrides(), (std::vector<std::string>{"train.lr=0.1", "train.optimizer=\"sgd\""}));
    QCOMPARE(all[5].overrides(), (std::vector<std::string>{"train.lr=0.01", "train.optimizer=\"adamw\""}));
    grid.trials = 4;
    QCOMPARE(sweep_configurations(grid).size(), std::size_t(4));

    const SweepSpec random = parse_sweep_spec(R"({"name": "r", "experiment": "e", "trials": 50, "seed": 7,
        "parameters": {"train.lr": {"log_uniform": [1e-4, 1e-1]}, "train.batch_size": {"int_uniform": [8, 12]},
                       "train.label_smoothing": {"uniform": [0, 0.2]}}})",
                                              "r");
    const auto drawn = sweep_configurations(random);
    QCOMPARE(drawn.size(), std::size_t(50));
    QCOMPARE(sweep_configurations(random)[17].overrides(), drawn[17].overrides());  // seeded
    int below_1e3 = 0;
    std::set<std::int64_t> sizes;
    for (const auto& c : drawn) {
      const double lr = c.values[0].second.get<double>();
      QVERIFY(lr >= 1e-4 && lr <= 1e-1);
      below_1e3 += lr < 1e-3;
      QVERIFY(c.values[1].second.is_number_integer());
      sizes.insert(c.values[1].second.get<std::int64_t>());
      const double smoothing = c.values[2].second.get<double>();
      QVERIFY(smoothing >= 0 && smoothing <= 0.2);
    }
    QVERIFY2(below_1e3 >= 8 && below_1e3 <= 27, "log-uniform: about a third of the draws in the lowest decade");
    QCOMPARE(sizes, (std::set<std::int64_t>{8, 9, 10, 11, 12}));
  }

  void randomSweepRanksTrialsAndContinuesWhereItStopped() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 128, 32);
    write_quadrant_experiment(dir.path(),
                              R"({"train": {"epochs": 2, "batch_size": 16, "optimizer": "sgd", "momentum": 0}})");
    const QString sweep_file = dir.filePath("sweep.json");
    write_text_atomically(sweep_file.toStdString(), R"({"name": "quadrant-lr", "experiment": "experiment.json",
        "method": "grid", "metric": "validation_accuracy",
        "parameters": {"train.lr": {"values": [0.0001, 0.5, 0.05]}}})");
    const SweepSpec spec = load_sweep_spec(sweep_file.toStdString());
    const fs::path out = dir.filePath("runs/quadrant-lr").toStdString();
    int calls = 0;
    StopSignal stop;
    const auto executor = [&](const TrialTask& task) {
      ++calls;
      if (calls == 2) stop.request();  // interrupted after the second trial: the third never starts
      return execute_trial_in_process(task, spec.metric);
    };
    SweepOutcome first = SweepRunner(spec, sweep_file.toStdString(), out, executor).run(&stop);
    QCOMPARE(calls, 2);
    QCOMPARE(to_string(first.trials[2].status), std::string("pending"));
    QVERIFY(fs::exists(out / "trials/trial-001/report.json"));

    SweepOutcome outcome = SweepRunner(spec, sweep_file.toStdString(), out, executor).run();
    QCOMPARE(calls, 3);  // only the third trial trained again
    QCOMPARE(outcome.ranking.size(), std::size_t(3));
    for (const auto& t : outcome.trials) QCOMPARE(to_string(t.status), std::string("completed"));
    // Plain SGD at 1e-4 for two epochs learns nothing useful; 0.05 and 0.5 do.
    QVERIFY(outcome.trials[outcome.ranking.back()].configuration.values[0].second.get<double>() == 0.0001);
    for (std::size_t r = 1; r < outcome.ranking.size(); ++r)
      QVERIFY(*outcome.trials[outcome.ranking[r - 1]].metric >= *outcome.trials[outcome.ranking[r]].metric);
    const TrialRecord& best = outcome.trials[outcome.ranking.front()];
    const Experiment winner = load_experiment(outcome.best_experiment);
    QCOMPARE(winner.train.lr, best.configuration.values[0].second.get<double>());
    QCOMPARE(QString::fromStdString(winner.data.train_images),
             dir.filePath("train-images.idx"));  // paths made absolute
    const std::string csv = read_file(out / "summary.csv");
    QVERIFY(csv.rfind("rank,trial,status,epochs,validation_accuracy,test,train.lr,run\n1,", 0) == 0);
    QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 4L);
    QVERIFY(format_sweep_table(spec, outcome).find("lr 0.0001") != std::string::npos);

    // The same folder with another sweep file is refused, its trials kept.
    write_text_atomically(sweep_file.toStdString(), R"({"name": "quadrant-lr", "experiment": "experiment.json",
        "method": "grid", "parameters": {"train.lr": {"values": [0.3]}}})");
    const SweepSpec changed = load_sweep_spec(sweep_file.toStdString());
    QVERIFY_THROWS_EXCEPTION(ConfigError, SweepRunner(changed, sweep_file.toStdString(), out, executor).run());
    QVERIFY(fs::exists(out / "trials/trial-003/report.json"));
  }

  void successiveHalvingTrainsTheBestLonger() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 64, 16);
    write_quadrant_experiment(dir.path(), R"({"train": {"epochs": 4, "batch_size": 16}})");
    const QString sweep_file = dir.filePath("halving.json");
    write_text_atomically(sweep_file.toStdString(), R"({"name": "halving", "experiment": "experiment.json",
        "method": "halving", "trials": 4, "min_epochs": 1, "reduction": 2, "metric": "validation_loss",
        "parameters": {"train.lr": {"log_uniform": [1e-5, 1e-1]}}})");
    const SweepSpec spec = load_sweep_spec(sweep_file.toStdString());
    std::vector<TrialTask> tasks;
    const auto executor = [&](const TrialTask& task) {
      tasks.push_back(task);
      return execute_trial_in_process(task, spec.metric);
    };
    const fs::path out = dir.filePath("out").toStdString();
    const SweepOutcome outcome = SweepRunner(spec, sweep_file.toStdString(), out, executor).run();
    QCOMPARE(tasks.size(), std::size_t(4 + 2 + 1));  // rungs of 1, 2 and 4 epochs
    for (int i = 0; i < 4; ++i) QVERIFY(!tasks[i].resume && tasks[i].stop_after_epochs == 1);
    for (int i = 4; i < 6; ++i) QVERIFY(tasks[i].resume && tasks[i].stop_after_epochs == 2);
    QVERIFY(tasks[6].resume && tasks[6].stop_after_epochs == 0);
    std::map<std::string, int> statuses;
    for (const auto& t : outcome.trials) ++statuses[to_string(t.status) + "@" + std::to_string(t.epochs)];
    QCOMPARE(statuses, (std::map<std::string, int>{{"completed@4", 1}, {"halted@1", 2}, {"halted@2", 1}}));
    QCOMPARE(to_string(outcome.trials[outcome.ranking.front()].status),
             std::string("completed"));  // finished trials rank first
    // The winner was among the two best after the first rung.
    const TrialRecord& winner = outcome.trials[outcome.ranking.front()];
    QCOMPARE(tasks[6].trial, winner.id);
    QVERIFY(tasks[4].trial == winner.id || tasks[5].trial == winner.id);
  }

  void aMisspeltFieldFailsBeforeAnyTrial() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 16, 8);
    write_quadrant_experiment(dir.path());
    const QString sweep_file = dir.filePath("bad.json");
    write_text_atomically(sweep_file.toStdString(), R"({"name": "bad", "experiment": "experiment.json",
        "parameters": {"train.lrr": {"values": [0.1]}}})");
    int calls = 0;
    try {
      SweepRunner(load_sweep_spec(sweep_file.toStdString()), sweep_file.toStdString(),
                  dir.filePath("out").toStdString(), [&](const TrialTask&) {
                    ++calls;
                    return TrialResult{};
                  });
      QFAIL("a misspelt field was accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("trial 1") && QString(error.what()).contains("lrr"), error.what());
    }
    QCOMPARE(calls, 0);
  }
};

CRADLE_REGISTER_TEST(TuningTest);

}  // namespace cradle::test

#include "tuning_test.moc"
