// The main window opens the sample project and shows a bad experiment's
// error from the core without losing what was open.
#include <QLabel>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"
#include "widgets/main_window.h"

namespace cradle::test {

class MainWindowTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void opensTheSampleProject() {
    MainWindow window;
    QVERIFY(window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json")));
    QCOMPARE(window.windowTitle(), QStringLiteral("fashion-mnist - Cradle"));
    QCOMPARE(window.findChild<QLabel*>("experimentTitle")->text(), QStringLiteral("fashion-mnist"));
    QVERIFY(window.findChild<QPlainTextEdit*>()->toPlainText().contains("\"conv_channels\""));
    QVERIFY(window.errorText().isEmpty());
  }

  void showsTheCoreMessageAndKeepsTheOpenExperiment() {
    MainWindow window;
    const QString good = QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json");
    QVERIFY(window.openExperiment(good));
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 8, 4);
    const QString bad = write_quadrant_experiment(dir.path(), R"({"train": {"lr": -1}})");
    QVERIFY(!window.openExperiment(bad));
    QVERIFY2(window.errorText().endsWith("train.lr: must be > 0, got -1"), qPrintable(window.errorText()));
    QCOMPARE(window.experimentPath(), good);
    QCOMPARE(window.windowTitle(), QStringLiteral("fashion-mnist - Cradle"));
  }

  void hasItsIcon() {
    MainWindow window;
    QVERIFY(!window.windowIcon().isNull());
    QVERIFY(!window.windowIcon().pixmap(32, 32).isNull());
  }

  void rendersAtDesktopSize() {
    MainWindow window;
    window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json"));
    window.resize(1280, 800);
    const QImage image = window.grab().toImage();
    QCOMPARE(image.size(), QSize(1280, 800));
    if (const QByteArray out = qgetenv("CRADLE_SCREENSHOT"); !out.isEmpty()) QVERIFY(image.save(QString::fromLocal8Bit(out)));
  }
};

CRADLE_REGISTER_TEST(MainWindowTest);

}  // namespace cradle::test

#include "main_window_test.moc"
