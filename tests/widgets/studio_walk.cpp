// Not a CTest test: bench/studio_walk.sh runs it under Xvfb at several window
// sizes and people look at what it writes. It walks the journeys a new user
// takes, with the window as they see it, and saves a screenshot after each
// step: first start, an experiment opened, the wizard's pages, a short
// Fashion-MNIST run trained with pause and resume, the Evaluate tab and a
// matrix cell's samples, the export dialog, the bundle in the Model tab, and
// the Rate, Compress and Sweep tabs.
//   CRADLE_SCREENSHOT_DIR  where the PNG files go (default studio-walk)
//   CRADLE_WALK_SIZE       the window's size, WIDTHxHEIGHT (default 1280x800)
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWizard>

#include <functional>

#include "core/common/file_io.h"
#include "core/experiment/json_object_reader.h"
#include "core/export/model_bundle.h"
#include "tests/support/test_registry.h"
#include "widgets/confusion_matrix_plot.h"
#include "widgets/custom_plot.h"
#include "widgets/evaluation_panel.h"
#include "widgets/main_window.h"
#include "widgets/rating_panel.h"
#include "widgets/training_dashboard.h"
#include "widgets/training_session.h"

namespace cradle::test {

class StudioWalk : public QObject {
  Q_OBJECT

 private:
  QString out_;
  QSize size_{1280, 800};
  int shot_ = 0;

  void shoot(QWidget* widget, const QString& name) {
    QApplication::processEvents();
    QTest::qWait(200);
    const QString file =
        QDir(out_).filePath(QStringLiteral("%1-%2.png").arg(shot_++, 2, 10, QLatin1Char('0')).arg(name));
    QVERIFY2(widget->grab().save(file), qPrintable(file));
    qInfo("%s", qPrintable(file));
  }

  // Runs `trigger`, which opens a modal dialog, and hands the dialog to `inside` once it shows.
  static void with_modal_dialog(const std::function<void()>& trigger, const std::function<void(QDialog*)>& inside) {
    bool handled = false;
    QTimer poll;
    poll.setInterval(50);
    connect(&poll, &QTimer::timeout, [&] {
      auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
      if (!dialog || handled) return;
      handled = true;
      inside(dialog);
      dialog->reject();
    });
    poll.start();
    trigger();
    poll.stop();
  }

  static QAction* action_named(QMainWindow& window, const QString& text) {
    for (QAction* menu : window.menuBar()->actions())
      for (QAction* action : menu->menu()->actions())
        if (action->text().remove(QLatin1Char('&')).startsWith(text)) return action;
    return nullptr;
  }

  static void show_tab(MainWindow& window, QWidget* page) {
    auto* tabs = window.findChild<QTabWidget*>();
    for (int i = 0; i < tabs->count(); ++i)
      if (tabs->widget(i) == page || tabs->widget(i)->isAncestorOf(page)) tabs->setCurrentIndex(i);
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    out_ = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR", QStringLiteral("studio-walk"));
    QDir().mkpath(out_);
    const QStringList size =
        qEnvironmentVariable("CRADLE_WALK_SIZE", QStringLiteral("1280x800")).split(QLatin1Char('x'));
    if (size.size() == 2) size_ = QSize(size[0].toInt(), size[1].toInt());
  }

  void walk() {
    QTemporaryDir workspace;
    // The Fashion-MNIST sample, shortened to a few thousand images so the walk takes about a minute.
    Json experiment = Json::parse(read_file(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json"));
    experiment["data"]["max_train_samples"] = 6000;
    experiment["data"]["max_test_samples"] = 1000;
    experiment["train"]["epochs"] = 2;
    const QString experimentFile = workspace.filePath(QStringLiteral("fashion-mnist-short/experiment.json"));
    QDir().mkpath(QFileInfo(experimentFile).path());
    write_text_atomically(experimentFile.toStdString(), experiment.dump(2));

    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    window.resize(size_);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    shoot(&window, QStringLiteral("first-start"));
    QCOMPARE(window.size(), size_);

    QVERIFY(window.openExperiment(experimentFile));
    shoot(&window, QStringLiteral("experiment-open"));

    // The wizard, page by page, as Edit Experiment opens it.
    with_modal_dialog([&] { window.editExperiment(); },
                      [&](QDialog* dialog) {
                        auto* wizard = qobject_cast<QWizard*>(dialog);
                        QVERIFY(wizard);
                        for (int page = 0; page < 5; ++page) {
                          QTest::qWait(1500);  // the data preview loads in the background
                          shoot(wizard, QStringLiteral("wizard-page-%1").arg(page + 1));
                          if (wizard->button(QWizard::NextButton)->isEnabled()) wizard->next();
                        }
                      });

    // Training, paused after the first validation, resumed, finished.
    QVERIFY(window.startTraining());
    QTRY_VERIFY_WITH_TIMEOUT(window.dashboard()->lastStep() >= 20, 120000);
    shoot(&window, QStringLiteral("training"));
    QSignalSpy paused(window.trainingSession(), &TrainingSession::paused);
    action_named(window, QStringLiteral("Pause"))->trigger();
    QVERIFY(paused.wait(60000));
    shoot(&window, QStringLiteral("training-paused"));
    action_named(window, QStringLiteral("Resume"))->trigger();
    QTest::qWait(1500);
    shoot(&window, QStringLiteral("training-resumed"));
    QSignalSpy finished(window.trainingSession(), &TrainingSession::finished);
    QVERIFY(finished.wait(300000));
    shoot(&window, QStringLiteral("training-finished"));
    const QString run = window.trainingSession()->runFolder();

    // Evaluate: the run's test split, then one cell's samples.
    auto* evaluation = window.findChild<EvaluationPanel*>();
    show_tab(window, evaluation);
    evaluation->selectRun(run);
    QSignalSpy evaluated(evaluation, &EvaluationPanel::evaluated);
    evaluation->evaluate(run);
    QVERIFY(evaluated.wait(120000));
    shoot(&window, QStringLiteral("evaluate"));
    ConfusionMatrixPlot* matrix = evaluation->confusionPlot();
    QTest::mouseClick(matrix->plot(), Qt::LeftButton, Qt::NoModifier,
                      matrix->plot()->mapFrom(matrix, matrix->cellCentre(6, 0)));
    shoot(&window, QStringLiteral("evaluate-cell-shirt-as-tshirt"));

    // Export, as the dialog shows it, then the bundle in the Model tab.
    with_modal_dialog([&] { action_named(window, QStringLiteral("Export Model"))->trigger(); },
                      [&](QDialog* dialog) { shoot(dialog, QStringLiteral("export-dialog")); });
    const QString bundle = workspace.filePath(QStringLiteral("fashion-mnist.cradle"));
    export_bundle(run.toStdString(), bundle.toStdString());
    QVERIFY(window.openBundle(bundle));
    shoot(&window, QStringLiteral("model-tab"));

    for (QWidget* page :
         {static_cast<QWidget*>(window.ratingPanel()), window.findChild<QWidget*>(QStringLiteral("compressionPanel")),
          window.findChild<QWidget*>(QStringLiteral("sweepPanel"))}) {
      if (!page) continue;
      show_tab(window, page);
      shoot(&window, page->objectName().isEmpty() ? QStringLiteral("rate") : page->objectName());
    }
  }
};

CRADLE_REGISTER_TEST(StudioWalk);

}  // namespace cradle::test

#include "studio_walk.moc"
