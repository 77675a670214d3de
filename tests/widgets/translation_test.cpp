// The Simplified Chinese translation: built in, switched by language, and
// complete: lupdate over the sources finds no string without a translation.
#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QMenuBar>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "tests/support/test_registry.h"
#include "widgets/main_window.h"
#include "widgets/translation.h"

namespace cradle::test {

class TranslationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // settings in the test location, never the user's
    QCoreApplication::setOrganizationName(QStringLiteral("CradleTests"));
    QCoreApplication::setApplicationName(QStringLiteral("TranslationTest"));
  }

  void chineseMenusWhenChosen() {
    QVERIFY(install_translation(QStringLiteral("zh_CN")));
    {
      MainWindow window;
      QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("文件(&F)"));
      QCOMPARE(window.windowTitle(), QStringLiteral("Cradle"));
      window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"),
                               QDir::tempPath() + "/cradle-no-workspace");
      QVERIFY(window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fortunes-topics/experiment.json")));
      // The core's description of the model (family, sizes), worded and joined in Chinese.
      bool model_described = false;
      for (auto* label : window.findChildren<QLabel*>())
        model_described |= label->text() == QStringLiteral("GRU，1 层，隐藏状态 128，双向");
      QVERIFY(model_described);
      window.resize(1280, 800);
      const QImage image = window.grab().toImage();
      QCOMPARE(image.size(), QSize(1280, 800));
      if (const QByteArray out = qgetenv("CRADLE_SCREENSHOT_ZH"); !out.isEmpty())
        QVERIFY(image.save(QString::fromLocal8Bit(out)));
    }
    QVERIFY(!install_translation(QStringLiteral("en")));  // English: the source strings
    MainWindow english;
    QCOMPARE(english.menuBar()->actions().first()->text(), QStringLiteral("&File"));
    // View > Language keeps one choice and stores it for the next start.
    auto* chinese = english.findChild<QAction*>("language_zh_CN");
    auto* system = english.findChild<QAction*>("language_system");
    QVERIFY(chinese && system);
    chinese->trigger();
    QVERIFY(chinese->isChecked() && !system->isChecked());
    QCOMPARE(configured_language(), QStringLiteral("zh_CN"));
    QSettings().remove(QStringLiteral("language"));
  }

  void everyVisibleStringIsTranslated() {
    QTemporaryDir dir;
    const QString copy = dir.filePath("cradle_zh_CN.ts");
    QVERIFY(QFile::copy(QStringLiteral(CRADLE_SOURCE_DIR "/resources/translations/cradle_zh_CN.ts"), copy));
    QProcess lupdate;
    lupdate.setWorkingDirectory(QStringLiteral(CRADLE_SOURCE_DIR));
    lupdate.start(QStringLiteral(CRADLE_LUPDATE_PATH),
                  {"-I", ".", "-locations", "none", "-no-obsolete", "widgets", "app/gui", "-ts", copy});
    QVERIFY(lupdate.waitForFinished(60000));
    QCOMPARE(lupdate.exitCode(), 0);
    QFile ts(copy);
    QVERIFY(ts.open(QIODevice::ReadOnly));
    const QByteArray text = ts.readAll();
    QVERIFY(text.contains("<translation>"));
    // A string added to the sources and not to the .ts comes back unfinished.
    QVERIFY2(!text.contains("type=\"unfinished\""),
             "run lupdate (see widgets/CMakeLists.txt) and translate the new strings");
  }
};

CRADLE_REGISTER_TEST(TranslationTest);

}  // namespace cradle::test

#include "translation_test.moc"
