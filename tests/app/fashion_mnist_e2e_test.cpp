// The Fashion-MNIST sample through cradle-cli on the real data set (a subset,
// to stay quick): it learns, `eval` reproduces the report, and Ctrl+C stops a
// run cleanly with a loadable checkpoint.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <csignal>

#include "tests/app/cli_process.h"
#include "tests/app/report_checks.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

const QString kSample = QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json");

QJsonObject read_json(const QString& path) { return QJsonDocument::fromJson(read_all(path)).object(); }

}  // namespace

class FashionMnistEndToEndTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void subsetLearnsAndEvalReproducesTheReport() {
    QTemporaryDir dir;
    const QString out = dir.filePath("run");
    const auto r = run_cli({"train", kSample, "--out", out, "--set", "train.epochs=1", "--set",
                            "data.max_train_samples=6000", "--set", "data.max_test_samples=2000"},
                           600000);
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const double accuracy =
        read_json(out + "/report.json")["metrics"].toObject()["test"].toObject()["accuracy"].toDouble();
    // Ten classes: chance is 0.1; one epoch on 5,400 images reaches about 0.8.
    QVERIFY2(accuracy > 0.7, qPrintable(QString::number(accuracy)));

    const auto eval = run_cli({"eval", out}, 600000);
    QCOMPARE(eval.exit_code, 0);
    const auto match = QRegularExpression("test: accuracy ([0-9.]+).*\\(2000 samples\\)").match(eval.out);
    QVERIFY2(match.hasMatch(), qPrintable(eval.out));
    QCOMPARE(match.captured(1), QString::number(accuracy, 'f', 4));

    // The report: the confusion matrix and per-class F1, its macro F1 equal to
    // the one recomputed from the saved predictions, rendered with every image.
    const QString folder = out + "/evaluation/test-last";
    const auto evaluation = read_json(folder + "/report.json");
    QStringList classes;
    for (const auto& c : evaluation["classes"].toArray()) {
      classes << c.toObject()["name"].toString();
      QVERIFY(c.toObject()["f1"].toDouble() > 0);
    }
    QCOMPARE(classes.size(), 10);
    QCOMPARE(evaluation["confusion_matrix"].toObject()["counts"].toArray().size(), 10);
    const double macro_f1 = evaluation["metrics"].toObject()["macro"].toObject()["f1"].toDouble();
    const double recomputed = macro_f1_from_predictions(folder + "/predictions.csv", classes);
    QVERIFY2(std::abs(recomputed - macro_f1) < 1e-12, qPrintable(QString("%1 vs %2").arg(recomputed).arg(macro_f1)));
    const auto page = render_in_chromium(folder + "/report.html");
    QVERIFY2(page.rendered, qPrintable(page.problem));
    QCOMPARE(page.images, 16 + 40);  // 16 confident mistakes, 4 samples of each of 10 classes
    QCOMPARE(page.broken, 0);
  }

  void interruptStopsAtAStepWithACheckpoint() {
    QTemporaryDir dir;
    const QString out = dir.filePath("run");
    QProcess process;
    process.start(QStringLiteral(CRADLE_CLI_PATH), {"train", kSample, "--out", out, "--set", "train.log_every=5"});
    QVERIFY(process.waitForStarted());
    // Wait until training is under way, then press Ctrl+C.
    QString output;
    while (!output.contains("step ") && process.state() == QProcess::Running) {
      process.waitForReadyRead(1000);
      output += QString::fromUtf8(process.readAllStandardOutput());
    }
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(120000));
    output += QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(process.exitCode(), 130);
    QVERIFY2(output.contains("stopped after"), qPrintable(output));
    QVERIFY(QFile::exists(out + "/checkpoints/stopped.pt"));
    QVERIFY(QFile::exists(out + "/model/model.pt"));
    const auto report = read_json(out + "/report.json");
    QCOMPARE(report["status"].toString(), QStringLiteral("stopped"));
    QVERIFY(report["steps"].toInt() > 0);
  }
};

CRADLE_REGISTER_TEST(FashionMnistEndToEndTest);

}  // namespace cradle::test

#include "fashion_mnist_e2e_test.moc"
