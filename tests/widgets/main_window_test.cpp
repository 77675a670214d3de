// The main window opens the sample project and shows a bad experiment's
// error from the core without losing what was open; its project explorer,
// run list, recent experiments and saved layout.
#include <QCoreApplication>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>

#include <QAbstractButton>
#include <QPlainTextEdit>

#include <functional>

#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/run/experiment_run.h"
#include "core/run/run_index.h"
#include "widgets/compression_panel.h"
#include "widgets/confusion_matrix_plot.h"
#include "widgets/custom_plot.h"
#include "widgets/evaluation_panel.h"
#include "widgets/experiment_wizard.h"
#include "widgets/metrics_chart.h"
#include "widgets/preferences_dialog.h"
#include "widgets/project_explorer.h"
#include "widgets/run_list.h"
#include "widgets/sweep_panel.h"
#include "widgets/theme.h"
#include "widgets/training_dashboard.h"
#include "widgets/training_session.h"
#include "widgets/wizard_review_page.h"
#include "widgets/wizard_sweep_page.h"

#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"
#include "widgets/main_window.h"

namespace cradle::test {

class MainWindowTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    // Settings and app data in the test locations, never the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("CradleTests"));
    QCoreApplication::setApplicationName(QStringLiteral("MainWindowTest"));
    QSettings().clear();
  }

  void explorerListsProjectsAndOpensTheChosenOne() {
    QTemporaryDir workspace;
    QVERIFY(QDir(workspace.path()).mkpath("mine"));
    write_quadrant_dataset(workspace.filePath("mine"), 8, 4);
    QCOMPARE(write_quadrant_experiment(workspace.filePath("mine")), workspace.filePath("mine/experiment.json"));
    QVERIFY(QDir(workspace.path()).mkpath("not-a-project"));
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    auto* explorer = window.findChild<ProjectExplorer*>("projectExplorer");
    const QStringList files = explorer->experimentFiles();
    QVERIFY(files.contains(QDir(CRADLE_SOURCE_DIR "/projects").absoluteFilePath("fashion-mnist/experiment.json")));
    QVERIFY(files.contains(workspace.filePath("mine/experiment.json")));
    QCOMPARE(files.filter("not-a-project").size(), 0);
    QVERIFY(explorer->select(workspace.filePath("mine/experiment.json")) &&
            window.experimentPath().isEmpty());  // selecting quietly
    // Choosing an item (as a click does) opens it.
    explorer->setCurrentItem(explorer->topLevelItem(0)->child(0));
    QVERIFY2(window.experimentPath().endsWith("/experiment.json"), qPrintable(window.experimentPath()));
    QVERIFY(window.errorText().isEmpty());
  }

  void runListShowsTheExperimentsRuns() {
    QTemporaryDir workspace;
    const QString run = workspace.filePath("runs/quadrants-1");
    QVERIFY(QDir().mkpath(run));
    const auto write = [](const QString& path, const QByteArray& text) {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(text);
    };
    write(run + "/experiment.json", R"({"name": "quadrants", "task": "classification"})");
    write(run + "/report.json", R"({"status": "completed", "started_at": "2026-11-29T08:00:00Z", "epochs_completed": 3,
                                    "metrics": {"test": {"accuracy": 0.875}}})");
    QVERIFY(QDir().mkpath(workspace.filePath("runs/other-1")));
    write(workspace.filePath("runs/other-1/experiment.json"), R"({"name": "other", "task": "classification"})");
    write_quadrant_dataset(workspace.path(), 8, 4);
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    QVERIFY(window.openExperiment(write_quadrant_experiment(workspace.path())));
    auto* runs = window.findChild<RunList*>("runList");
    QCOMPARE(runs->rowCount(), 1);  // the other experiment's run is not listed
    QCOMPARE(runs->item(0, 0)->text(), QStringLiteral("quadrants-1"));
    QCOMPARE(runs->item(0, 1)->text(), QStringLiteral("completed"));
    QCOMPARE(runs->item(0, 2)->text(), QStringLiteral("accuracy 0.875"));
    QCOMPARE(runs->item(0, 3)->text(), QStringLiteral("3"));
    QCOMPARE(runs->item(0, 4)->text(), QStringLiteral("2026-11-29 08:00:00"));
    // An experiment without runs says what will appear.
    write(workspace.filePath("fresh.json"),
          QByteArray(read_all(write_quadrant_experiment(workspace.path()))).replace("\"quadrants\"", "\"fresh\""));
    QVERIFY(window.openExperiment(workspace.filePath("fresh.json")));
    QCOMPARE(runs->rowCount(), 0);
    QVERIFY2(runs->placeholderText().contains("No runs of fresh yet"), qPrintable(runs->placeholderText()));
  }

  // The Evaluate tab offers the newest run first (by start time), and the one
  // chosen in the explorer or the run list when there is one.
  void evaluateOffersTheNewestOrTheChosenRun() {
    QTemporaryDir workspace;
    for (const auto& [name, started] :
         {std::pair{"older", "2026-11-01T08:00:00Z"}, std::pair{"newer", "2026-11-29T08:00:00Z"}}) {
      const QString run = workspace.filePath(QStringLiteral("runs/") + name);
      QVERIFY(QDir().mkpath(run + "/model"));
      write_text_atomically((run + "/experiment.json").toStdString(),
                            R"({"name": "quadrants", "task": "classification"})");
      write_text_atomically((run + "/model/model.pt").toStdString(), "weights");
      write_text_atomically((run + "/report.json").toStdString(),
                            std::string(R"({"status": "completed", "started_at": ")") + started + "\"}");
    }
    QTest::qWait(20);
    QVERIFY(QDir().mkpath(workspace.filePath("runs/older/evaluation")));  // the older folder changed last
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    EvaluationPanel* evaluate = window.findChild<EvaluationPanel*>();
    QVERIFY(evaluate);
    QCOMPARE(QFileInfo(evaluate->selectedRun()).fileName(), QStringLiteral("newer"));
    window.watchRun(workspace.filePath("runs/older"));
    QCOMPARE(QFileInfo(evaluate->selectedRun()).fileName(), QStringLiteral("older"));
  }

  // The confusion matrix reads at the smallest supported window size and the
  // usual laptop one: 10 classes fit with their counts written, 100 classes
  // scroll rather than shrink their cells, counts left to the cell's tooltip.
  void confusionMatrixReadsAtTenAndAHundredClasses() {
    for (const QSize size : {QSize(1280, 800), QSize(1024, 768)}) {
      MainWindow window;
      QTemporaryDir workspace;
      window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
      window.resize(size);
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      EvaluationPanel* evaluate = window.findChild<EvaluationPanel*>();
      auto* tabs = window.findChild<QTabWidget*>();
      // The window takes the size asked for: no tab asks for more room than it has beside the Projects dock.
      QCOMPARE(window.size(), size);
      for (int i = 0; i < tabs->count(); ++i)
        QVERIFY2(tabs->widget(i)->minimumSizeHint().width() <= tabs->width() &&
                     tabs->widget(i)->minimumSizeHint().height() <= tabs->height(),
                 qPrintable(QStringLiteral("the %1 tab needs %2x%3 of %4x%5")
                                .arg(tabs->tabText(i))
                                .arg(tabs->widget(i)->minimumSizeHint().width())
                                .arg(tabs->widget(i)->minimumSizeHint().height())
                                .arg(tabs->width())
                                .arg(tabs->height())));
      for (int i = 0; i < tabs->count(); ++i)
        if (tabs->widget(i)->isAncestorOf(evaluate)) tabs->setCurrentIndex(i);
      QVERIFY(evaluate->isVisible());
      ConfusionMatrixPlot* matrix = evaluate->confusionPlot();
      for (const int classes : {10, 100}) {
        std::vector<std::vector<std::int64_t>> counts(static_cast<std::size_t>(classes),
                                                      std::vector<std::int64_t>(static_cast<std::size_t>(classes), 3));
        std::vector<std::string> names;
        for (int c = 0; c < classes; ++c) {
          counts[static_cast<std::size_t>(c)][static_cast<std::size_t>(c)] =
              1000 - c;  // Fashion-MNIST's test set: 1,000 a class
          names.push_back(classes == 10 ? std::string("Ankle boot ") + std::to_string(c)
                                        : "class " + std::to_string(c));
        }
        matrix->setMatrix(counts, names, QStringLiteral("Confusion matrix"));
        QApplication::processEvents();
        matrix->plot()->replot();
        const QString where = QStringLiteral("%1 classes at %2x%3: cells %4x%5")
                                  .arg(classes)
                                  .arg(size.width())
                                  .arg(size.height())
                                  .arg(matrix->cellPixels().width())
                                  .arg(matrix->cellPixels().height());
        if (const QByteArray out = qgetenv("CRADLE_SCREENSHOT_DIR"); !out.isEmpty())
          QVERIFY(window.grab().save(
              QDir(QString::fromLocal8Bit(out))
                  .filePath(QStringLiteral("evaluate-%1-classes-%2.png").arg(classes).arg(size.width()))));
        QVERIFY2(matrix->cellPixels().width() >= ConfusionMatrixPlot::kMinimumCellPixels, qPrintable(where));
        QVERIFY2(matrix->cellPixels().height() >= ConfusionMatrixPlot::kMinimumCellPixels, qPrintable(where));
        for (QCPAxis* axis : {matrix->plot()->xAxis, matrix->plot()->yAxis}) {  // every class named on both axes
          auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
          QVERIFY(ticker);
          QCOMPARE(ticker->ticks().size(), classes);
        }
        QCOMPARE(matrix->cellDescription(1, 1),
                 QStringLiteral("True %1, predicted %1: 999 of %2 (%3%)")
                     .arg(QString::fromStdString(names[1]))
                     .arg(999 + 3 * (classes - 1))
                     .arg(QString::number(100.0 * 999 / (999 + 3 * (classes - 1)), 'f', 1)));
        if (classes == 10) {
          // In full at the usual size; at the smallest, shortened ("1k") at worst.
          QVERIFY2(matrix->countStyle() == (size.width() >= 1280 ? ConfusionMatrixPlot::CountStyle::Full
                                                                 : ConfusionMatrixPlot::CountStyle::Shortened) ||
                       matrix->countStyle() == ConfusionMatrixPlot::CountStyle::Full,
                   qPrintable(where));
          if (matrix->countStyle() == ConfusionMatrixPlot::CountStyle::Full) {
            QCOMPARE(matrix->shownCount(1, 1), std::int64_t(999));
            QCOMPARE(matrix->shownCount(1, 2), std::int64_t(3));
          }
          QVERIFY2(matrix->scrollArea()->verticalScrollBar()->maximum() == 0, qPrintable(where));  // it fits
        } else {
          QVERIFY2(matrix->countStyle() == ConfusionMatrixPlot::CountStyle::Hidden, qPrintable(where));
          QVERIFY2(matrix->scrollArea()->verticalScrollBar()->maximum() > 0, qPrintable(where));
          QVERIFY2(matrix->scrollArea()->horizontalScrollBar()->maximum() > 0, qPrintable(where));
        }
      }
    }
  }

  // Every dialog the window opens has a title: each menu action and button
  // whose text ends in "..." (the convention for "opens a dialog") is
  // triggered, and the dialog that comes up is read and dismissed.
  void everyDialogHasATitle() {
    QApplication::setAttribute(Qt::AA_DontUseNativeDialogs);  // Qt's own dialogs, the same on every desktop
    QTemporaryDir workspace;
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json"));
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QStringList untitled;
    int dialogs = 0;
    const auto title_of_dialogs_from = [&](const QString& what, const std::function<void()>& trigger) {
      QTimer poll;
      poll.setInterval(20);
      connect(&poll, &QTimer::timeout, [&] {
        QWidget* modal = QApplication::activeModalWidget();
        if (!modal) return;
        ++dialogs;
        if (modal->windowTitle().trimmed().isEmpty() || modal->windowTitle().endsWith(QLatin1Char(':')))
          untitled << what + QStringLiteral(" (") + modal->metaObject()->className() + ')';
        if (auto* dialog = qobject_cast<QDialog*>(modal))
          dialog->reject();
        else
          modal->close();
      });
      poll.start();
      trigger();
      QTest::qWait(60);
      poll.stop();
      for (QWidget* top : QApplication::topLevelWidgets())  // a dialog shown without blocking
        if (auto* dialog = qobject_cast<QDialog*>(top); dialog && dialog->isVisible()) {
          ++dialogs;
          if (dialog->windowTitle().trimmed().isEmpty())
            untitled << what + QStringLiteral(" (") + dialog->metaObject()->className() + ')';
          dialog->reject();
        }
    };
    const auto opens_a_dialog = [](QString text) {
      text = text.remove(QLatin1Char('&')).trimmed();
      return text.endsWith(QLatin1String("...")) || text.endsWith(QChar(0x2026));
    };
    int actions = 0;
    for (QAction* menu : window.menuBar()->actions())
      for (QAction* action : menu->menu()->actions())
        if (opens_a_dialog(action->text()) && action->isEnabled()) {
          ++actions;
          title_of_dialogs_from(action->text(), [action] { action->trigger(); });
        }
    for (QAbstractButton* button : window.findChildren<QAbstractButton*>())
      if (opens_a_dialog(button->text()) && button->isEnabled()) {
        ++actions;
        title_of_dialogs_from(button->text(), [button] { button->click(); });
      }
    QVERIFY2(untitled.isEmpty(), qPrintable(untitled.join(QStringLiteral(", "))));
    QVERIFY2(actions >= 10 && dialogs >= 10,
             qPrintable(QStringLiteral("%1 actions opened %2 dialogs").arg(actions).arg(dialogs)));
  }

  void remembersRecentExperimentsAndTheLayout() {
    QSettings().clear();
    const QString sample = QDir(CRADLE_SOURCE_DIR "/projects").absoluteFilePath("fashion-mnist/experiment.json");
    const QString other = QDir(CRADLE_SOURCE_DIR "/projects").absoluteFilePath("fortunes-gpt/experiment.json");
    {
      MainWindow window;
      QVERIFY(window.openExperiment(sample));
      QVERIFY(window.openExperiment(other));
      QVERIFY(window.openExperiment(sample));
      QCOMPARE(window.recentExperiments(), (QStringList{sample, other}));  // newest first, once each
      window.findChild<QDockWidget*>("runsDock")->hide();
      window.close();
    }
    MainWindow reopened;
    QCOMPARE(reopened.recentExperiments(), (QStringList{sample, other}));
    QVERIFY(reopened.findChild<QDockWidget*>("runsDock")->isHidden());  // the saved layout came back
    QVERIFY(!reopened.findChild<QDockWidget*>("projectsDock")->isHidden());
  }

  void opensTheSampleProject() {
    MainWindow window;
    QVERIFY(window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json")));
    QCOMPARE(window.windowTitle(), QStringLiteral("fashion-mnist - Cradle"));
    QCOMPARE(window.findChild<QLabel*>("experimentTitle")->text(), QStringLiteral("fashion-mnist"));
    QVERIFY(window.findChild<QPlainTextEdit*>("experimentDocument")->toPlainText().contains("\"conv_channels\""));
    QVERIFY(window.errorText().isEmpty());
    bool model_described = false;  // as cradle-cli inspect names it (core/models/model_description.h)
    for (auto* label : window.findChildren<QLabel*>())
      model_described |= label->text() == QStringLiteral("CNN, conv channels 32, 64, dense 128");
    QVERIFY(model_described);
  }

  void opensTheCompressionStages() {
    MainWindow window;
    for (const char* file : {"prune.json", "distill.json"}) {
      QVERIFY(window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/") + file));
      QVERIFY(window.errorText().isEmpty());
    }
    QVERIFY(window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/prune.json")));
    bool stage_shown = false, model_named = false;
    for (auto* label : window.findChildren<QLabel*>()) {
      stage_shown |= label->text() == QStringLiteral("prune, from ../../runs/fashion-mnist");
      model_named |= label->text() == QStringLiteral("the model of ../../runs/fashion-mnist");
    }
    QVERIFY(stage_shown && model_named);
  }

  void summarisesLoraTuningOfAModelFolder() {
    QTemporaryDir dir;
    const std::filesystem::path root = dir.path().toStdString();
    std::filesystem::create_directories(root / "SmolLM2");
    write_text_atomically(root / "SmolLM2" / "config.json", "{}");  // a model folder's two files, as the summary looks
    write_text_atomically(root / "SmolLM2" / "model.safetensors", "");
    write_text_atomically(root / "sft.json", R"({"name": "sft", "task": "language_model", "stage": "sft",
      "init_from": "SmolLM2", "data": {"source": "dialogues", "paths": ["chats.jsonl"]},
      "train": {"epochs": 1, "lora": {"rank": 4, "alpha": 8}, "gradient_checkpointing": true}})");
    MainWindow window;
    QVERIFY(window.openExperiment(QString::fromStdString((root / "sft.json").string())));
    QStringList labels;
    for (auto* label : window.findChildren<QLabel*>()) labels << label->text();
    QVERIFY2(labels.contains(QStringLiteral("the Hugging Face model in SmolLM2")), qPrintable(labels.join(" | ")));
    QVERIFY(
        labels.contains(QStringLiteral("LoRA adapters (rank 4, alpha 8), the rest frozen; gradient checkpointing")));
    QVERIFY(!labels.contains(QStringLiteral("Classes:")));          // a language model has none
    QVERIFY(labels.contains(QStringLiteral("1 epoch, batch 64")));  // in the singular
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

  void duplicatesAndSavesAsWithDataPathsThatStillResolve() {
    QTemporaryDir data, workspace;
    write_quadrant_dataset(data.path(), 8, 4);
    const QString original = write_quadrant_experiment(data.path());  // relative data paths
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    QVERIFY(window.openExperiment(original));
    const QString copy = window.duplicateExperiment();
    QCOMPARE(copy, workspace.filePath("quadrants-copy/experiment.json"));
    QCOMPARE(window.experimentPath(), copy);
    const Experiment duplicated = load_experiment(copy.toStdString());
    QCOMPARE(duplicated.name, std::string("quadrants-copy"));
    QCOMPARE(QString::fromStdString(duplicated.data.train_images), data.filePath("train-images.idx"));
    QVERIFY(window.openExperiment(original));
    QCOMPARE(window.duplicateExperiment(), workspace.filePath("quadrants-copy-2/experiment.json"));

    QVERIFY(window.openExperiment(original));
    const QString elsewhere = workspace.filePath("elsewhere/saved.json");
    QVERIFY(window.saveExperimentAs(elsewhere));
    QCOMPARE(window.experimentPath(), elsewhere);
    const Experiment saved = load_experiment(elsewhere.toStdString());
    QCOMPARE(QString::fromStdString(saved.data.test_labels), data.filePath("test-labels.idx"));
    QCOMPARE(saved.name, std::string("quadrants"));
    QVERIFY(QFile::exists(original));  // the original is untouched
  }

  void trainsTheOpenExperimentAndListsTheRun() {
    QTemporaryDir data, workspace;
    write_quadrant_dataset(data.path(), 32, 8);
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    QVERIFY(window.openExperiment(write_quadrant_experiment(data.path(), R"({"data": {"cache": false}})")));
    auto* train = window.findChild<QAction*>("trainAction");
    QVERIFY(train->isEnabled());
    QCOMPARE(train->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));
    train->trigger();
    QVERIFY(window.trainingSession()->running());
    QVERIFY(!train->isEnabled());
    QVERIFY(!window.startTraining());  // one run at a time
    QTRY_VERIFY_WITH_TIMEOUT(!window.trainingSession()->running(), 120000);
    QVERIFY2(window.logText().contains("Training finished: test accuracy"), qPrintable(window.logText()));
    QVERIFY(window.logText().contains("epoch 2 validation: loss"));
    QVERIFY(QFile::exists(window.trainingSession()->runFolder() + "/report.json"));
    QVERIFY(window.trainingSession()->runFolder().startsWith(workspace.filePath("runs/quadrants-")));
    auto* runs = window.findChild<RunList*>("runList");
    QCOMPARE(runs->rowCount(), 1);
    QCOMPARE(runs->item(0, 1)->text(), QStringLiteral("completed"));
    QVERIFY(train->isEnabled());
  }

  // The issue's "done when": an image classifier and a GPT language model
  // created, saved and started entirely through the window (tiny data, so
  // that each trains in seconds).
  void createsSavesAndTrainsExperimentsThroughTheWindow() {
    QTemporaryDir data, workspace;
    write_quadrant_dataset(data.path(), 32, 8);
    QVERIFY(QDir(data.path()).mkpath("corpus"));
    QFile corpus(data.filePath("corpus/lines.txt"));
    QVERIFY(corpus.open(QIODevice::WriteOnly));
    for (int i = 0; i < 60; ++i) corpus.write("the cat sat on mat " + QByteArray::number(i) + " and the dog on log\n");
    corpus.close();
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());

    const auto type = [](QWidget* root, const char* path, const QString& text) {
      auto* edit = root->findChild<QLineEdit*>(path);
      QVERIFY2(edit, path);
      edit->selectAll();
      QTest::keyClicks(edit, text);
    };
    int trained = 0;
    const auto save_and_train = [&](ExperimentWizard& wizard) {
      for (int page = 0; page < 4; ++page) {  // to Review, past the sweep page left off
        QVERIFY2(wizard.currentPage()->isComplete(), qPrintable(wizard.document()->error()));
        wizard.button(QWizard::NextButton)->click();
      }
      auto* button = wizard.findChild<QAbstractButton*>("saveAndTrain");
      QVERIFY(button && button->isEnabled());
      button->click();
      QCOMPARE(wizard.result(), int(QDialog::Accepted));
      QVERIFY(wizard.trainRequested());
      window.wizardFinished(wizard);
      QCOMPARE(window.experimentPath(), wizard.savedPath());
      QVERIFY(window.trainingSession()->running());
      QTRY_VERIFY_WITH_TIMEOUT(!window.trainingSession()->running(), 120000);
      QVERIFY2(window.logText().count("Training finished: test accuracy") == ++trained, qPrintable(window.logText()));
    };

    ExperimentWizard images(workspace.path());
    images.startNew("image_classification");
    type(&images, "name", "clothes");
    for (const char* field : {"train_images", "train_labels", "test_images", "test_labels"})
      type(&images, (QStringLiteral("data.") + field).toUtf8().constData(),
           data.filePath(QString(field).replace('_', '-') + ".idx"));
    type(&images, "data.class_names", "");
    type(&images, "model.conv_channels", "4");
    type(&images, "model.hidden", "8");
    type(&images, "train.epochs", "1");
    save_and_train(images);
    QCOMPARE(images.savedPath(), workspace.filePath("clothes/experiment.json"));

    ExperimentWizard gpt(workspace.path());
    gpt.startNew("language_model");
    type(&gpt, "name", "tiny-gpt");
    gpt.findChild<QPlainTextEdit*>("data.paths")->setPlainText(data.filePath("corpus"));
    type(&gpt, "data.include", "*.txt");
    type(&gpt, "data.exclude", "");
    auto* records = gpt.findChild<QComboBox*>("data.records");
    records->setCurrentIndex(records->findData("line"));
    Q_EMIT records->activated(records->currentIndex());
    auto* tokenizer = gpt.findChild<QComboBox*>("data.tokenizer.type");
    tokenizer->setCurrentIndex(tokenizer->findData("char"));
    Q_EMIT tokenizer->activated(tokenizer->currentIndex());
    type(&gpt, "data.tokenizer.vocab_size", "0");
    type(&gpt, "data.context_length", "16");
    type(&gpt, "model.width", "32");
    type(&gpt, "model.layers", "1");
    type(&gpt, "train.epochs", "1");
    type(&gpt, "train.schedule.warmup_steps", "2");
    save_and_train(gpt);
    QCOMPARE(load_experiment(gpt.savedPath().toStdString()).model.type, std::string("gpt"));
    QCOMPARE(window.findChild<RunList*>("runList")->rowCount(), 1);  // the GPT's run
    // Both experiments are in the workspace's explorer, each with its run under it.
    auto* explorer = window.findChild<ProjectExplorer*>("projectExplorer");
    for (const char* name : {"clothes", "tiny-gpt"}) {
      const auto items = explorer->findItems(name, Qt::MatchExactly | Qt::MatchRecursive);
      QCOMPARE(items.size(), 1);
      QCOMPARE(items.front()->childCount(), 1);
      QVERIFY2(items.front()->child(0)->text(0).endsWith("(completed)"), qPrintable(items.front()->child(0)->text(0)));
    }
  }

  // The Compress tab's Prune and Fine-Tune trains its stage in this window,
  // followed by the dashboard; a quantised variant (no training) is explained
  // on the dashboard with the curves of the run it came from.
  void compressTabTrainsItsStagesAndExplainsQuantisedRuns() {
    QTemporaryDir workspace;
    write_quadrant_dataset(workspace.path(), 64, 16);
    const QString original = workspace.filePath("runs/quadrants");
    ExperimentRun(
        load_experiment(write_quadrant_experiment(workspace.path(), R"({"train": {"epochs": 1}})").toStdString()),
        original.toStdString())
        .train();
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    auto* compress = window.findChild<CompressionPanel*>();
    QCOMPARE(compress->selectedRun(), original);
    const QString stage = compress->prune(original, "magnitude", 0.5);
    QVERIFY2(!stage.isEmpty(), qPrintable(compress->statusText()));
    QCOMPARE(window.experimentPath(), stage);
    QVERIFY(window.trainingSession()->running());
    QCOMPARE(window.findChild<QTabWidget*>("centralTabs")->currentWidget(), window.dashboard());
    QTRY_VERIFY_WITH_TIMEOUT(!window.trainingSession()->running(), 120000);
    QVERIFY2(window.logText().contains("Training finished: test accuracy"), qPrintable(window.logText()));
    const auto pruned = summarize_run(window.trainingSession()->runFolder().toStdString());
    QVERIFY(pruned && pruned->status == RunStatus::Completed);
    QCOMPARE(pruned->stage, std::string("prune"));
    QCOMPARE(compress->variantsTable()->rowCount(), 2);  // refreshed when training finished

    QSignalSpy quantised(compress, &CompressionPanel::variantsChanged);
    compress->quantise(original);
    QVERIFY2(quantised.wait(120000), qPrintable(compress->statusText()));
    window.watchRun(original + "-int8");
    const QString text = window.dashboard()->progressText();
    QVERIFY2(text.contains("quadrants-int8 was made by quantize from quadrants without training"), qPrintable(text));
    QVERIFY2(text.contains("Test: accuracy "), qPrintable(text));
    QVERIFY(window.dashboard()->lossChart()->seriesCount() > 0);  // the original's curves, dashed
    QVERIFY(window.dashboard()->lossChart()->seriesName(0).startsWith("quadrants "));
    QVERIFY(window.dashboard()->lossChart()->pointCount(0) > 0);
    if (const QString out = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR"); !out.isEmpty()) {
      window.resize(1280, 800);
      QTest::qWait(100);  // the charts draw new points on their repaint timer
      QVERIFY(window.grab().save(QDir(out).filePath("14-quantised-run-on-dashboard.png")));
    }
  }

  // The Sweep tab: a grid sweep run in the window, the live table filled with
  // each trial's figures, the scatter of the varied field against the metric,
  // and every trial's curves on the dashboard (one followed, one overlaid).
  void sweepTabRunsTrialsAndOverlaysTheirCurves() {
    QTemporaryDir workspace;
    write_quadrant_dataset(workspace.path(), 64, 16);
    write_quadrant_experiment(workspace.path(), R"({"train": {"epochs": 1}})");
    QFile file(workspace.filePath("sweep.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        R"({"name": "lr-grid", "experiment": "experiment.json", "method": "grid", "metric": "validation_accuracy",
                   "parameters": {"train.lr": {"values": [0.001, 0.05]}}})");
    file.close();
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    auto* sweep = window.findChild<SweepPanel*>();
    QVERIFY(sweep->openSweep(workspace.filePath("sweep.json")));
    QCOMPARE(sweep->trialsTable()->rowCount(), 2);
    QCOMPARE(sweep->trialsTable()->item(0, 1)->text(), QStringLiteral("pending"));
    QSignalSpy finished(sweep, &SweepPanel::finished);
    sweep->run();
    QVERIFY(sweep->running());
    QVERIFY(finished.wait(120000));
    QVERIFY2(sweep->statusText().contains("2 trial(s) ranked"), qPrintable(sweep->statusText()));
    QVERIFY(QFile::exists(workspace.filePath("runs/lr-grid/best-experiment.json")));
    for (int row = 0; row < 2; ++row) {
      QCOMPARE(sweep->trialsTable()->item(row, 1)->text(), QStringLiteral("completed"));
      QVERIFY(!sweep->trialsTable()->item(row, 3)->text().isEmpty());  // the metric
    }
    QCOMPARE(sweep->scatterPlot()->graph(0)->dataCount(), 2);
    QCOMPARE(sweep->trialRuns().size(), 2);
    Q_EMIT sweep->overlayRequested(sweep->trialRuns());
    QCOMPARE(window.findChild<QTabWidget*>("centralTabs")->currentWidget(), window.dashboard());
    QVERIFY(window.dashboard()->followedRun().endsWith("trials/trial-001"));
    bool overlaid = false;
    for (int i = 0; i < window.dashboard()->lossChart()->seriesCount(); ++i)
      overlaid |= window.dashboard()->lossChart()->seriesName(i).startsWith("trial-002 ");
    QVERIFY(overlaid);
    // Opened again, the sweep shows the trials already run.
    SweepPanel again;
    again.setRunsFolder(workspace.filePath("runs"));
    QVERIFY(again.openSweep(workspace.filePath("sweep.json")));
    QCOMPARE(again.trialsTable()->item(1, 1)->text(), QStringLiteral("completed"));
    if (const QString out = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR"); !out.isEmpty()) {
      again.resize(1100, 500);
      QVERIFY(again.grab().save(QDir(out).filePath("16-sweep.png")));
    }
  }

  void wizardSweepSaveAndTrainRunsItInTheSweepTab() {
    QTemporaryDir workspace;
    write_quadrant_dataset(workspace.path(), 64, 16);
    const QString experiment = write_quadrant_experiment(workspace.path(), R"({"train": {"epochs": 1}})");
    MainWindow window;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    ExperimentWizard wizard(workspace.path());
    QVERIFY(wizard.openExperiment(experiment));
    SweepPage* page = wizard.sweepPage();
    page->setSweepEnabled(true);
    page->parametersTable()->removeRow(1);  // the learning rate only, as a grid of two
    qobject_cast<QComboBox*>(page->parametersTable()->cellWidget(0, 1))->setCurrentText("values");
    qobject_cast<QLineEdit*>(page->parametersTable()->cellWidget(0, 2))->setText("0.001, 0.05");
    page->methodBox()->setCurrentIndex(page->methodBox()->findData("grid"));
    page->trialsBox()->setValue(0);
    for (int p = 0; p < 4; ++p) {
      QVERIFY2(wizard.currentPage()->isComplete(), qPrintable(page->verdict()));
      wizard.button(QWizard::NextButton)->click();
    }
    QCOMPARE(wizard.currentId(), int(ExperimentWizard::ReviewId));
    wizard.findChild<QAbstractButton*>("saveAndTrain")->click();
    QCOMPARE(wizard.result(), int(QDialog::Accepted));
    QCOMPARE(wizard.savedSweepPath(), QFileInfo(workspace.filePath("sweep.json")).absoluteFilePath());
    window.wizardFinished(wizard);
    // Save and Train with a sweep trains the sweep's trials, in the Sweep tab, not the experiment once.
    auto* sweep = window.findChild<SweepPanel*>();
    QCOMPARE(window.findChild<QTabWidget*>("centralTabs")->currentWidget(), sweep);
    QVERIFY(sweep->running() && !window.trainingSession()->running());
    QSignalSpy finished(sweep, &SweepPanel::finished);
    QVERIFY(finished.wait(120000));
    QVERIFY2(sweep->statusText().contains("2 trial(s) ranked"), qPrintable(sweep->statusText()));
  }

  void preferencesChooseWorkspaceLanguageAndTheme() {
    QSettings().clear();
    QTemporaryDir workspace;
    PreferencesDialog dialog;
    dialog.findChild<QLineEdit*>("workspace")->setText(workspace.path());
    auto* theme = dialog.findChild<QComboBox*>("theme");
    theme->setCurrentIndex(theme->findData("dark"));
    auto* language = dialog.findChild<QComboBox*>("language");
    language->setCurrentIndex(language->findData("zh_CN"));
    dialog.save();
    QCOMPARE(MainWindow::configuredWorkspace(), workspace.path());
    QCOMPARE(configured_theme(), QStringLiteral("dark"));
    QCOMPARE(QSettings().value("language").toString(), QStringLiteral("zh_CN"));
    apply_theme(QStringLiteral("dark"));
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
    apply_theme(QStringLiteral("light"));
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
    apply_theme(QStringLiteral("system"));
    QSettings().clear();
  }

  void hasItsIcon() {
    MainWindow window;
    QVERIFY(!window.windowIcon().isNull());
    QVERIFY(!window.windowIcon().pixmap(32, 32).isNull());
  }

  void rendersAtDesktopSize() {
    MainWindow window;
    QTemporaryDir workspace;
    window.setProjectFolders(QStringLiteral(CRADLE_SOURCE_DIR "/projects"), workspace.path());
    window.openExperiment(QStringLiteral(CRADLE_SOURCE_DIR "/projects/fashion-mnist/experiment.json"));
    window.resize(1280, 800);
    const QImage image = window.grab().toImage();
    QCOMPARE(image.size(), QSize(1280, 800));
    if (const QByteArray out = qgetenv("CRADLE_SCREENSHOT"); !out.isEmpty())
      QVERIFY(image.save(QString::fromLocal8Bit(out)));
  }
};

CRADLE_REGISTER_TEST(MainWindowTest);

}  // namespace cradle::test

#include "main_window_test.moc"
