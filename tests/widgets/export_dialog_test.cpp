// The Export dialog (issue 12): a finished tiny run exported from the window
// to one .cradle file with ONNX — the runtimes' checks shown, the file loading
// back and predicting — then served on a loopback port that answers a real
// HTTP client; an export the core refuses shows the failure and leaves what
// was there untouched.
#include <QCoreApplication>
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/export/model_bundle.h"
#include "core/run/experiment_run.h"
#include "core/train/runtime.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"
#include "widgets/export_dialog.h"

namespace cradle::test {
namespace fs = std::filesystem;

class ExportDialogTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString run_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    configure_runtime(2);
    write_quadrant_dataset(dir_.path(), 200, 20);
    run_ = dir_.filePath("runs/quadrants");
    ExperimentRun(load_experiment(write_quadrant_experiment(dir_.path(), R"({"train":{"epochs":2}})").toStdString()),
                  run_.toStdString())
        .train();
  }

  void exportsChecksAndServes() {
    ExportDialog dialog(dir_.filePath("runs"), run_);
    QSignalSpy exported(&dialog, &ExportDialog::exported);
    const QString file = dir_.filePath("out/quadrants.cradle");
    dialog.exportRun(run_, file, /*onnx=*/true);
    QVERIFY2(exported.wait(120000), qPrintable(dialog.resultText()));
    const QString text = dialog.resultText();
    QVERIFY2(text.contains("the ONNX checker passed"), qPrintable(text));
    QVERIFY2(text.contains("bundle.json"), qPrintable(text));  // every file written is listed
    QVERIFY(!text.contains("Note: this run is"));              // a finished run: nothing to warn about
    QVERIFY2(
        text.contains(QRegularExpression(
            "OpenCV DNN [0-9.]+ on 20 inputs: max \\|difference\\| from LibTorch [0-9.e-]+ \\(tolerance 0.0001\\): passed")),
        qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression("ONNX Runtime [0-9.]+ on 20 inputs")), qPrintable(text));
    // What the dialog wrote loads back as a bundle.
    ModelBundle bundle = open_bundle(file.toStdString());
    QCOMPARE(bundle.class_names.size(), std::size_t(4));

    const int port = dialog.startServing();
    QVERIFY2(port > 0, qPrintable(dialog.serviceText()));
    QVERIFY(dialog.serviceText().contains(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    QVERIFY(dialog.serviceText().contains("/v1/predict"));
    if (const QString out = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR"); !out.isEmpty())
      QVERIFY(dialog.grab().save(QDir(out).filePath("12-export-dialog.png")));
    httplib::Client client("127.0.0.1", port);
    const auto health = client.Get("/v1/health");
    QVERIFY(health);
    QCOMPARE(health->status, 200);
    QVERIFY(health->body.find("\"ok\"") != std::string::npos);
    dialog.stopServing();
    QVERIFY(!httplib::Client("127.0.0.1", port).Get("/v1/health"));  // the port is closed
  }

  void aRefusedExportLeavesWhatWasThere() {
    ExportDialog dialog(dir_.filePath("runs"), run_);
    QSignalSpy failed(&dialog, &ExportDialog::failed);
    QDir().mkpath(dir_.filePath("busy"));
    write_text_atomically(dir_.filePath("busy/keep.txt").toStdString(), "mine");
    dialog.exportRun(run_, dir_.filePath("busy"), false);
    QVERIFY(failed.wait(60000));
    QVERIFY2(dialog.resultText().startsWith("Export failed; nothing was written."), qPrintable(dialog.resultText()));
    QVERIFY2(!dialog.resultText().contains("--out"),
             qPrintable(dialog.resultText()));  // the window's words, not the command line's
    QCOMPARE(read_file(dir_.filePath("busy/keep.txt").toStdString()), std::string("mine"));
    QCOMPARE(dialog.startServing(), 0);  // nothing exported: nothing to serve
  }
};

CRADLE_REGISTER_TEST(ExportDialogTest);

}  // namespace cradle::test

#include "export_dialog_test.moc"
