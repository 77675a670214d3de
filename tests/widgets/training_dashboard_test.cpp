// The training dashboard: every logged point reaches the charts, pause holds
// the step count and resume goes on, stop leaves a checkpoint the run resumes
// from, a run written by another process (cradle-cli) is followed live, the
// charts export, and a million points arrive in a handful of repaints.
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScrollArea>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "core/run/metrics_follower.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"
#include "widgets/main_window.h"
#include "widgets/metrics_chart.h"
#include "widgets/run_list.h"
#include "widgets/sample_snapshots_view.h"
#include "widgets/training_dashboard.h"
#include "widgets/training_session.h"

namespace cradle::test {
namespace {

// Lines of each kind in a run's metrics.jsonl.
MetricsUpdate read_metrics(const QString& run_folder) {
  return MetricsFollower((run_folder + "/metrics.jsonl").toStdString()).read_new();
}

int validation_lines(const MetricsUpdate& update) {
  int n = 0;
  for (const auto& e : update.evaluations) n += e.split == "validation";
  return n;
}

}  // namespace

class TrainingDashboardTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("CradleTests"));
    QCoreApplication::setApplicationName(QStringLiteral("TrainingDashboardTest"));
  }

  void chartsReceiveEveryLoggedPoint() {
    QTemporaryDir data, workspace;
    write_quadrant_dataset(data.path(), 160, 16);
    MainWindow window;
    window.setProjectFolders(QString(), workspace.path());
    QVERIFY(window.openExperiment(write_quadrant_experiment(
        data.path(), R"({"train": {"epochs": 3, "log_every": 2}, "data": {"cache": false}})")));
    QVERIFY(window.startTraining());
    QTRY_VERIFY_WITH_TIMEOUT(!window.trainingSession()->running(), 120000);
    const MetricsUpdate written = read_metrics(window.trainingSession()->runFolder());
    TrainingDashboard* dashboard = window.dashboard();
    QCOMPARE(dashboard->followedRun(), window.trainingSession()->runFolder());
    MetricsChart* loss = dashboard->lossChart();
    QCOMPARE(loss->seriesName(0), QStringLiteral("train"));
    QCOMPARE(loss->pointCount(0), int(written.steps.size()));
    QCOMPARE(loss->pointCount(1), validation_lines(written));
    QCOMPARE(validation_lines(written), 3);
    QCOMPARE(dashboard->rateChart()->pointCount(0), int(written.steps.size()));
    QCOMPARE(dashboard->throughputChart()->pointCount(0), int(written.steps.size()));
    QCOMPARE(dashboard->lastStep(), written.steps.back().step);
    QVERIFY2(dashboard->progressText().startsWith("Finished: step 24 of 24"), qPrintable(dashboard->progressText()));
    // The crosshair reads the exact logged value.
    const QString readout = loss->valuesAt(static_cast<double>(written.steps.front().step));
    QVERIFY2(readout.contains(QString("train: %1").arg(written.steps.front().loss, 0, 'g', 6)),
             qPrintable(readout + " / " + QString::number(written.steps.front().loss, 'g', 6)));

    // The qualitative view: 16 fixed validation images with the last validation's predictions.
    SampleSnapshotsView* samples = dashboard->samples();
    QCOMPARE(samples->imageCount(), 16);
    QVERIFY2(samples->caption(0).endsWith('%'), qPrintable(samples->caption(0)));
    QVERIFY2(samples->heading().startsWith("Predictions at step 24 (epoch 3): "), qPrintable(samples->heading()));
    // The thumbnails take as many columns as the width holds, never a sideways scroll.
    SampleSnapshotsView alone;
    alone.follow(window.trainingSession()->runFolder());
    alone.show();
    int columns = 0;
    for (const int width : {200, 420, 800}) {
      alone.resize(width, 500);
      QApplication::processEvents();
      auto* scroll = alone.findChild<QScrollArea*>();
      QVERIFY2(scroll->widget()->minimumSizeHint().width() <= scroll->viewport()->width(),
               qPrintable(QStringLiteral("%1 columns need %2 px of %3")
                              .arg(alone.columnCount())
                              .arg(scroll->widget()->minimumSizeHint().width())
                              .arg(scroll->viewport()->width())));
      QVERIFY2(alone.columnCount() > columns || alone.columnCount() == 16,
               qPrintable(QString::number(alone.columnCount())));
      columns = alone.columnCount();
    }

    // Export: PNG, PDF and CSV per chart; the CSV holds every point.
    QTemporaryDir out;
    QVERIFY(dashboard->exportCharts(out.path()));
    for (const char* file : {"loss.png", "loss.pdf", "loss.csv", "quality.png", "learning-rate.csv", "throughput.pdf"})
      QVERIFY2(QFileInfo(out.filePath(file)).size() > 100, file);
    const auto rows = read_all(out.filePath("loss.csv")).trimmed().split('\n');
    QCOMPARE(rows.size(), 1 + int(written.steps.size()) + validation_lines(written));
    QCOMPARE(rows.front(), QByteArray("series,step,loss"));

    // From the run list: the run compared on the dashboard (dashed copies), then shown alone.
    auto* runs = window.findChild<RunList*>("runList");
    QCOMPARE(runs->rowCount(), 1);
    QCOMPARE(runs->runFolder(0), window.trainingSession()->runFolder());
    Q_EMIT runs->compareRequested(runs->runFolder(0));
    QCOMPARE(loss->seriesCount(), 4);
    Q_EMIT runs->watchRequested(runs->runFolder(0));
    QCOMPARE(dashboard->lossChart()->seriesCount(), 2);
    QCOMPARE(dashboard->lossChart()->pointCount(0), int(written.steps.size()));
  }

  void pauseHoldsTheStepCountAndStopLeavesACheckpointToResumeFrom() {
    QTemporaryDir data, workspace;
    write_quadrant_dataset(data.path(), 2000, 16);
    MainWindow window;
    window.setProjectFolders(QString(), workspace.path());
    QVERIFY(window.openExperiment(write_quadrant_experiment(
        data.path(), R"({"train": {"epochs": 20, "log_every": 1, "batch_size": 8}, "data": {"cache": false}})")));
    TrainingSession* session = window.trainingSession();
    QSignalSpy paused(session, &TrainingSession::paused);
    QVERIFY(window.startTraining());
    QTRY_VERIFY_WITH_TIMEOUT(window.dashboard()->lastStep() >= 3, 60000);
    window.findChild<QAction*>("pauseAction")->trigger();
    QVERIFY(!window.findChild<QAction*>("pauseAction")->isEnabled());
    QVERIFY(window.findChild<QAction*>("resumeAction")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(paused.count() == 1, 30000);
    const qint64 held = paused.front().front().toLongLong();
    QTest::qWait(400);
    window.dashboard()->poll();
    QCOMPARE(window.dashboard()->lastStep(), held);  // nothing trained while paused
    QVERIFY(session->running());
    // The progress line says the run is paused, at the step the log names, with no time left to guess.
    QVERIFY2(window.dashboard()->progressText().startsWith(QString("Paused after step %1 of ").arg(held)),
             qPrintable(window.dashboard()->progressText()));
    QVERIFY(!window.dashboard()->progressText().contains("left"));
    QVERIFY(window.logText().contains(QString("Paused after step %1").arg(held)));
    window.findChild<QAction*>("resumeAction")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(window.dashboard()->lastStep() > held, 30000);

    window.stopTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!session->running(), 60000);
    QVERIFY2(window.logText().contains("Training stopped"), qPrintable(window.logText()));
    QVERIFY2(window.dashboard()->progressText().startsWith("Stopped at step "),
             qPrintable(window.dashboard()->progressText()));
    QVERIFY(!window.dashboard()->progressText().contains("left"));
    const QString folder = session->runFolder();
    QVERIFY(QFile::exists(folder + "/checkpoints/stopped.pt"));
    // Resumed from that checkpoint, it ends as a run never stopped would.
    QVERIFY(window.resumeRun(folder));
    QTRY_VERIFY_WITH_TIMEOUT(!session->running(), 120000);
    QVERIFY2(window.logText().contains("Training finished: test accuracy"), qPrintable(window.logText()));
    QVERIFY2(window.dashboard()->progressText().startsWith("Finished: step 4000 of 4000"),
             qPrintable(window.dashboard()->progressText()));
    const MetricsUpdate written = read_metrics(folder);
    QCOMPARE(written.steps.back().step, std::int64_t(20 * 200));  // 1,600 training samples / 8, 20 epochs
  }

  void followsARunThatCradleCliWrites() {
    QTemporaryDir data;
    write_quadrant_dataset(data.path(), 600, 16);
    const QString experiment =
        write_quadrant_experiment(data.path(), R"({"train": {"epochs": 3, "log_every": 1}, "data": {"cache": false}})");
    const QString out = data.filePath("cli-run");
    TrainingDashboard dashboard;
    dashboard.followRun(out);  // before the folder exists
    QProcess cli;
    cli.start(QStringLiteral(CRADLE_CLI_PATH), {"train", experiment, "--out", out});
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(dashboard.lossChart()->pointCount(0) > 0, 60000);      // live, while it trains
    if (cli.state() != QProcess::NotRunning) QVERIFY(cli.waitForFinished(120000));  // false when already finished
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 0);
    dashboard.poll();
    const MetricsUpdate written = read_metrics(out);
    QCOMPARE(dashboard.lossChart()->pointCount(0), int(written.steps.size()));
    QCOMPARE(dashboard.lossChart()->pointCount(1), validation_lines(written));

    // Overlaid on another view: a dashed copy of each series.
    TrainingDashboard compare;
    compare.followRun(out);
    QVERIFY(compare.overlayRun(out));
    QCOMPARE(compare.lossChart()->seriesCount(), 4);
    QVERIFY(compare.lossChart()->seriesName(2).startsWith("cli-run "));
    QVERIFY(!compare.overlayRun(data.filePath("nothing-here")));
  }

  void showsGeneratedTextNewestFirst() {
    QTemporaryDir run;
    QFile file(run.filePath("samples.jsonl"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"kind":"generations","step":10,"epoch":1,"items":[{"prompt":"Once","text":" upon a tmie"}]})"
               "\n");
    file.flush();
    SampleSnapshotsView view;
    view.follow(run.path());
    file.write(R"({"kind":"generations","step":20,"epoch":2,"items":[{"prompt":"Once","text":" upon a time"}]})"
               "\n");
    file.close();
    view.poll();
    const QString text = view.generatedText();
    QVERIFY2(text.indexOf("Step 20 (epoch 2)") < text.indexOf("Step 10 (epoch 1)"), qPrintable(text));
    QVERIFY(text.contains("Once upon a time"));
  }

  void aMillionPointsArriveInAFewRepaints() {
    MetricsChart chart("Loss", "step", "loss");
    chart.resize(600, 400);
    chart.show();
    const int series = chart.addSeries("train", Qt::blue);
    for (int i = 0; i < 1000000; ++i) chart.append(series, i, 1.0 / (1 + i * 1e-4));
    QTRY_COMPARE(chart.replotCount(), 1);  // one batch, one repaint
    QTest::qWait(100);
    QCOMPARE(chart.replotCount(), 1);  // nothing new, nothing drawn
    QCOMPARE(chart.pointCount(series), 1000000);
    chart.setSmoothing(0.9);
    chart.setLogScale(true);
    chart.setSeriesVisible(series, false);
    QVERIFY(chart.valuesAt(10).isEmpty());  // hidden series are not read out
    chart.setSeriesVisible(series, true);
    QVERIFY(chart.valuesAt(10).contains("train: "));
  }
};

// Not a CTest test: bench/studio_screenshots.sh renders the dashboard mid-run.
class DashboardScreenshot : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void midRun() {
    const QString out = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR", QStringLiteral("studio-screenshots"));
    QDir().mkpath(out);
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir workspace;
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    QVERIFY(window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json")));
    window.resize(1280, 800);
    window.show();
    QVERIFY(window.startTraining());
    // After the first validation: its point on the curves and the predictions on the samples.
    QTRY_VERIFY_WITH_TIMEOUT(window.dashboard()->samples()->imageCount() > 0 && window.dashboard()->lastStep() >= 1000,
                             600000);
    QTest::qWait(500);
    QVERIFY(window.grab().save(QDir(out).filePath("5-dashboard-mid-run.png")));
    window.stopTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!window.trainingSession()->running(), 120000);
  }
};

CRADLE_REGISTER_TEST(TrainingDashboardTest);
CRADLE_REGISTER_TEST(DashboardScreenshot);

}  // namespace cradle::test

#include "training_dashboard_test.moc"
