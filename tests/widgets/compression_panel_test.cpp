// The Compress tab (issue 12): a finished tiny run quantised from the panel
// (a worker thread writes <run>-int8) and pruned (the panel writes the stage's
// experiment and asks for it to be trained; trained here as the window would),
// each variant then in the table with its own figures and a point of the
// accuracy-against-size chart; a bad student file is refused with the reason.
#include <QCoreApplication>
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/run/experiment_run.h"
#include "core/train/runtime.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"
#include "widgets/compression_panel.h"
#include "widgets/custom_plot.h"

namespace cradle::test {
namespace fs = std::filesystem;

class CompressionPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    configure_runtime(2);
  }

  void quantisesAndPrunesIntoTheComparison() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 20);
    const QString run = dir.filePath("runs/quadrants");
    ExperimentRun(
        load_experiment(write_quadrant_experiment(dir.path(), R"({"train":{"epochs":2}, "model": {"hidden": [32]}})")
                            .toStdString()),
        run.toStdString())
        .train();
    CompressionPanel panel;
    panel.setFolders(dir.filePath("runs"), dir.filePath("compress"));
    QCOMPARE(panel.selectedRun(), run);
    QCOMPARE(panel.variantsTable()->rowCount(), 1);  // the original alone

    QSignalSpy changed(&panel, &CompressionPanel::variantsChanged);
    panel.quantise(run);
    QVERIFY2(changed.wait(120000), qPrintable(panel.statusText()));
    QVERIFY(QFile::exists(run + "-int8/report.json"));

    QSignalSpy train(&panel, &CompressionPanel::trainRequested);
    const QString stage = panel.prune(run, "magnitude", 0.5);
    QVERIFY2(!stage.isEmpty(), qPrintable(panel.statusText()));
    QCOMPARE(train.count(), 1);
    QCOMPARE(train.at(0).at(0).toString(), stage);
    const Experiment pruning = load_experiment(stage.toStdString());
    QCOMPARE(to_string(pruning.stage), std::string("prune"));
    QCOMPARE(pruning.compress.sparsity, 0.5);
    ExperimentRun(pruning, dir.filePath("runs/quadrants-pruned").toStdString()).train();  // as the window trains it
    panel.refresh();

    QTableWidget* table = panel.variantsTable();
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("original"));
    double original_kb = 0;
    for (int row = 0; row < 3; ++row) {
      const QString name = table->item(row, 0)->text();
      const double kb = table->item(row, 3)->text().toDouble();
      if (row == 0) original_kb = kb;
      if (name == "quadrants-int8")
        QVERIFY2(kb < original_kb / 2, qPrintable(QString("%1 KB vs %2 KB").arg(kb).arg(original_kb)));
      if (name == "quadrants-pruned")
        QVERIFY(table->item(row, 4)->text().toLongLong() < table->item(0, 4)->text().toLongLong());
      QVERIFY(table->item(row, 2)->text().toDouble() > 0);
    }
    QCOMPARE(panel.tradeOffChart()->graph(0)->dataCount(), 3);
    const auto points = [&] {
      std::vector<double> x;
      for (auto it = panel.tradeOffChart()->graph(0)->data()->constBegin();
           it != panel.tradeOffChart()->graph(0)->data()->constEnd(); ++it)
        x.push_back(it->key);
      std::sort(x.begin(), x.end());
      return x;
    };
    std::vector<double> kilobytes;
    for (int row = 0; row < 3; ++row) kilobytes.push_back(table->item(row, 3)->text().toDouble());
    std::sort(kilobytes.begin(), kilobytes.end());
    for (std::size_t i = 0; i < 3; ++i)
      QVERIFY(std::abs(points()[i] - kilobytes[i]) < 0.06);  // the table rounds to 0.1 KB
    panel.setChartAxis("latency");                           // the same variants against their latency
    QCOMPARE(panel.tradeOffChart()->graph(0)->dataCount(), 3);
    QVERIFY(panel.tradeOffChart()->xAxis->label().contains("latency"));
    panel.setChartAxis("size");
    if (const QString out = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR"); !out.isEmpty()) {
      panel.resize(1200, 650);
      QVERIFY(panel.grab().save(QDir(out).filePath("13-compression.png")));
    }

    QVERIFY(panel.distil(run, dir.filePath("missing.json")).isEmpty());
    QVERIFY2(panel.statusText().contains("missing.json"), qPrintable(panel.statusText()));
  }
};

CRADLE_REGISTER_TEST(CompressionPanelTest);

}  // namespace cradle::test

#include "compression_panel_test.moc"
