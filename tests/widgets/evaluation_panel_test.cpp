// The Evaluate tab (issue 12): a finished tiny run evaluated in the window —
// the heat map's cells equal the confusion matrix of the report.json the same
// evaluation writes, a click on a cell lists exactly that cell's samples, the
// confident mistakes show, a second run compares side by side, charts save
// as PNG, a regression run draws its scatter and residuals, and a language
// model gets the generation playground.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "core/common/file_io.h"
#include "core/eval/evaluation_result.h"
#include "core/experiment/experiment.h"
#include "core/experiment/json_object_reader.h"
#include "core/run/experiment_run.h"
#include "core/train/runtime.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"
#include "widgets/category_axis.h"
#include "widgets/confusion_matrix_plot.h"
#include "widgets/custom_plot.h"
#include "widgets/evaluation_panel.h"
#include "widgets/generation_playground.h"
#include "widgets/metrics_chart.h"

namespace cradle::test {
namespace fs = std::filesystem;

class EvaluationPanelTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString run_, other_;
  QString screenshots_ = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR");

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("CradleTests"));
    QCoreApplication::setApplicationName(QStringLiteral("EvaluationPanelTest"));
    QSettings().clear();
    configure_runtime(2);
    write_quadrant_dataset(dir_.path(), 200, 40);
    const fs::path root = dir_.path().toStdString();
    // One epoch leaves mistakes to look at; the other run trains longer.
    ExperimentRun(
        load_experiment(write_quadrant_experiment(dir_.path(), R"({"train":{"epochs":1, "lr": 0.002}})").toStdString()),
        root / "runs" / "short")
        .train();
    ExperimentRun(load_experiment(write_quadrant_experiment(dir_.path(), R"({"train":{"epochs":4}})").toStdString()),
                  root / "runs" / "long")
        .train();
    run_ = dir_.filePath("runs/short");
    other_ = dir_.filePath("runs/long");
  }

  // Legends sit in a row above the plot, where they cover no data (in a corner
  // they hid the accuracy curve rising into it, and the top of the scores).
  void legendsSitAboveTheData() {
    MetricsChart chart("Accuracy", "step", "accuracy");
    chart.resize(400, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const int train = chart.addSeries("train", Qt::blue);
    for (int step = 1; step <= 50; ++step) chart.append(train, step, 0.5 + step / 100.0);
    chart.plot()->replot();
    QCustomPlot* plot = chart.plot();
    QVERIFY(plot->legend->layout() == plot->plotLayout());
    const QRect legend = plot->legend->outerRect(), data = plot->axisRect()->rect();
    QVERIFY2(legend.height() > 5 && legend.bottom() < data.top(),
             qPrintable(QString("legend %1..%2, plot from %3").arg(legend.top()).arg(legend.bottom()).arg(data.top())));
  }

  // Every class's label is drawn: QCustomPlot skips a label that would cross
  // the widget's edge, so the last rotated one needs room to the right.
  void categoryAxesKeepRoomForTheLastLabel() {
    QCustomPlot plot;
    plot.resize(500, 260);
    const QStringList names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                               "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    set_category_axis(plot.xAxis, names);
    plot.xAxis->setRange(-0.6, names.size() - 0.4);
    plot.replot();
    QCOMPARE(plot.xAxis->tickVectorLabels().size(), names.size());
    const QFontMetrics metrics(plot.xAxis->tickLabelFont());
    QVERIFY2(plot.axisRect()->margins().right() >= metrics.horizontalAdvance("Ankle boot") * 0.7,
             qPrintable(QString::number(plot.axisRect()->margins().right())));
    set_category_axis(plot.xAxis, {"cat", "dog"});  // few classes: level labels, margins fitted as usual
    QCOMPARE(plot.xAxis->tickLabelRotation(), 0.0);
    QCOMPARE(plot.axisRect()->autoMargins(), QCP::msAll);
  }

  void heatMapCellsAndGalleryFollowTheReport() {
    EvaluationPanel panel;
    panel.resize(1300, 800);
    panel.show();
    panel.setRunsFolder(dir_.filePath("runs"));
    QSignalSpy done(&panel, &EvaluationPanel::evaluated);
    panel.evaluate(run_);
    QVERIFY2(done.wait(120000), qPrintable(panel.statusText()));
    const EvaluationResult* r = panel.result();
    QVERIFY(r && r->classification);
    // The cells as drawn equal the report the evaluation wrote (report.json, read back).
    const Json report = Json::parse(read_file((panel.reportFolder() + "/report.json").toStdString()));
    const auto counts = report["confusion_matrix"]["counts"].get<std::vector<std::vector<std::int64_t>>>();
    QCOMPARE(panel.confusionPlot()->classCount(), 4);
    std::int64_t total = 0, wrong = 0;
    for (int t = 0; t < 4; ++t)
      for (int p = 0; p < 4; ++p) {
        QCOMPARE(panel.confusionPlot()->shownCount(t, p),
                 counts[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)]);
        total += counts[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
        if (t != p) wrong += counts[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
      }
    QCOMPARE(total, std::int64_t(40));
    QVERIFY2(wrong > 0, "the short run should still make mistakes");

    // A click on every non-empty cell lists exactly its samples.
    for (int t = 0; t < 4; ++t)
      for (int p = 0; p < 4; ++p) {
        const auto expected = counts[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)];
        if (expected == 0) continue;
        QTest::mouseClick(
            panel.confusionPlot()->plot(), Qt::LeftButton, Qt::NoModifier,
            panel.confusionPlot()->plot()->mapFrom(panel.confusionPlot(), panel.confusionPlot()->cellCentre(t, p)));
        QCOMPARE(panel.gallery()->count(), static_cast<int>(expected));
        for (int i = 0; i < panel.gallery()->count(); ++i) {
          const auto index = panel.gallery()->item(i)->data(Qt::UserRole).toLongLong();
          const auto& prediction = r->predictions.at(static_cast<std::size_t>(index));
          QCOMPARE(prediction.label, std::int64_t(t));
          QCOMPARE(prediction.predicted, std::int64_t(p));
          QVERIFY(!panel.gallery()->item(i)->icon().isNull());  // its thumbnail
        }
      }
    panel.showConfidentMistakes();
    QCOMPARE(panel.gallery()->count(), static_cast<int>(std::min<std::int64_t>(wrong, 16)));
    if (!screenshots_.isEmpty()) QVERIFY(panel.grab().save(QDir(screenshots_).filePath("10-evaluation.png")));
    QTemporaryDir charts;
    const QStringList saved = panel.saveCharts(charts.path());
    QCOMPARE(saved.size(), 2);
    for (const auto& file : saved) QVERIFY(QFile(file).size() > 1000);
  }

  void comparesTwoRunsSideBySide() {
    EvaluationPanel panel;
    panel.setRunsFolder(dir_.filePath("runs"));
    QSignalSpy done(&panel, &EvaluationPanel::evaluated);
    panel.evaluate(run_, "last", "test", other_);
    QVERIFY2(done.wait(120000), qPrintable(panel.statusText()));
    QVERIFY(panel.comparison() && panel.comparison()->classification);
    QCOMPARE(panel.metricsTable()->columnCount(), 3);
    QCOMPARE(panel.metricsTable()->horizontalHeaderItem(2)->text(), QStringLiteral("long"));
    QVERIFY(!panel.comparisonConfusionPlot()->isHidden());
    for (int t = 0; t < 4; ++t)
      for (int p = 0; p < 4; ++p)
        QCOMPARE(
            panel.comparisonConfusionPlot()->shownCount(t, p),
            panel.comparison()->classification->confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)]);
    // The accuracy row holds each run's own figure.
    for (int row = 0; row < panel.metricsTable()->rowCount(); ++row)
      if (panel.metricsTable()->item(row, 0)->text() == "accuracy") {
        QCOMPARE(panel.metricsTable()->item(row, 1)->text().toDouble(), panel.result()->classification->accuracy);
        QCOMPARE(panel.metricsTable()->item(row, 2)->text().toDouble(), panel.comparison()->classification->accuracy);
      }
  }

  // A language model: its perplexity, and the playground producing text as it is generated and stopping on request.
  void aLanguageModelGetsThePlayground() {
    const fs::path root = dir_.filePath("chat").toStdString();
    fs::create_directories(root);
    const fs::path chat = tiny_chat_policy(root);
    EvaluationPanel panel;
    QSignalSpy done(&panel, &EvaluationPanel::evaluated);
    panel.evaluate(QString::fromStdString(chat.string()));
    QVERIFY2(done.wait(120000), qPrintable(panel.statusText()));
    QVERIFY(panel.result()->language_model);
    bool perplexity = false;
    for (int row = 0; row < panel.metricsTable()->rowCount(); ++row)
      if (panel.metricsTable()->item(row, 0)->text() == "perplexity")
        perplexity = std::abs(panel.metricsTable()->item(row, 1)->text().toDouble() -
                              panel.result()->language_model->perplexity) < 1e-3;
    QVERIFY(perplexity);
    GenerationPlayground* playground = panel.playground();
    QVERIFY(playground->hasModel());
    QVERIFY(!playground->isHidden() || !panel.isVisible());
    QSignalSpy finished(playground, &GenerationPlayground::finished);
    SamplingOptions greedy = playground->sampling();
    greedy.temperature = 0;
    greedy.max_new_tokens = 12;
    playground->setSampling(greedy);
    playground->generate(QStringLiteral("say map"));
    QVERIFY(finished.wait(60000));
    // The chat model was taught to answer "say W" with "W.": greedy, it does.
    QVERIFY2(playground->text().startsWith("say map\n\nmap."), qPrintable(playground->text()));
    QVERIFY2(playground->status().contains("tokens/s"), qPrintable(playground->status()));
    if (!screenshots_.isEmpty()) {
      panel.resize(1200, 600);
      QVERIFY(panel.grab().save(QDir(screenshots_).filePath("11-evaluation-playground.png")));
    }
    // Sampling, stopped at once: it ends after the token in hand.
    SamplingOptions sampled = greedy;
    sampled.temperature = 1;
    sampled.top_k = 5;
    sampled.top_p = 0.9;
    sampled.repetition_penalty = 1.3;
    sampled.seed = 11;
    playground->setSampling(sampled);
    QCOMPARE(playground->sampling().top_k, std::int64_t(5));  // the controls hold what was set
    QCOMPARE(playground->sampling().seed, std::uint64_t(11));
    playground->generate(QStringLiteral("say cup"));
    QVERIFY(playground->busy());
    playground->stop();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QVERIFY2(playground->status().contains("cancelled"), qPrintable(playground->status()));
  }

  // Regression: every test sample a point of the scatter and a count of the residual histogram.
  void regressionDrawsScatterAndResiduals() {
    Experiment e = load_experiment(CRADLE_SOURCE_DIR "/projects/tabular-regression/experiment.json");
    e.train.epochs = 2;
    const fs::path run = fs::path(dir_.filePath("houses").toStdString());
    ExperimentRun(e, run).train();
    EvaluationPanel panel;
    QSignalSpy done(&panel, &EvaluationPanel::evaluated);
    panel.evaluate(QString::fromStdString(run.string()));
    QVERIFY2(done.wait(120000), qPrintable(panel.statusText()));
    QVERIFY(panel.result()->regression);
    const auto samples = static_cast<int>(panel.result()->regression_points.size());
    QVERIFY(samples > 50);
    auto* scatter = panel.findChild<QCustomPlot*>(QStringLiteral("predictedAgainstTrue"));
    QCOMPARE(scatter->graph(0)->dataCount(), samples);
    QCOMPARE(scatter->graph(1)->dataCount(), 2);  // the identity line
    auto* histogram = panel.findChild<QCustomPlot*>(QStringLiteral("residualHistogram"));
    auto* bars = qobject_cast<QCPBars*>(histogram->plottable(0));
    double counted = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) counted += it->value;
    QCOMPARE(counted, static_cast<double>(samples));
    QTemporaryDir charts;
    QCOMPARE(panel.saveCharts(charts.path()).size(), 2);
  }

  // The same run's best checkpoint against its last: the checkpoints compared.
  void comparesTwoCheckpointsOfARun() {
    EvaluationPanel panel;
    QSignalSpy done(&panel, &EvaluationPanel::evaluated);
    panel.evaluate(other_, "last", "test", other_, "best");
    QVERIFY2(done.wait(120000), qPrintable(panel.statusText()));
    QCOMPARE(panel.result()->checkpoint, std::string("last"));
    QCOMPARE(panel.comparison()->checkpoint, std::string("best"));
    QCOMPARE(panel.metricsTable()->horizontalHeaderItem(2)->text(), QStringLiteral("long (best)"));
  }

  void aMissingRunIsReportedNotFatal() {
    EvaluationPanel panel;
    QSignalSpy failed(&panel, &EvaluationPanel::failed);
    panel.evaluate(dir_.filePath("runs/none"));
    QVERIFY(failed.wait(60000));
    QVERIFY2(panel.statusText().contains("none"), qPrintable(panel.statusText()));
    QVERIFY(panel.result() == nullptr);
  }
};

CRADLE_REGISTER_TEST(EvaluationPanelTest);

}  // namespace cradle::test

#include "evaluation_panel_test.moc"
