// The Model tab (issue 11: "cradle-cli and the studio open it"): a bundle
// opened in the window — from its folder or a .cradle file — shows what it is
// and its model card, predicts image files as `cradle-cli predict` does (one
// unreadable file an error row, the others answered), keeps the open bundle
// when another fails to open, and streams a language model's continuation
// into the view, stopping when asked.
#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/file_io.h"
#include "core/common/png_encoder.h"
#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"
#include "core/export/bundle_prediction.h"
#include "core/export/model_bundle.h"
#include "core/export/model_folder_bundle.h"
#include "core/export/safetensors.h"
#include "core/models/mobilenet_v2.h"
#include "core/run/experiment_run.h"
#include "core/train/runtime.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"
#include "widgets/bundle_panel.h"
#include "widgets/main_window.h"

namespace cradle::test {
namespace fs = std::filesystem;

class BundlePanelTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString screenshots_ = qEnvironmentVariable("CRADLE_SCREENSHOT_DIR");

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("CradleTests"));
    QCoreApplication::setApplicationName(QStringLiteral("BundlePanelTest"));
    QSettings().clear();
    configure_runtime(2);
    QVERIFY(dir_.isValid());
  }

  void opensABundleFileAndPredictsImages() {
    const fs::path root = dir_.filePath("images").toStdString();
    const QString folder = QString::fromStdString(root.string());
    QDir().mkpath(folder);
    write_quadrant_dataset(folder, 200, 12);
    const Experiment e = load_experiment(write_quadrant_experiment(folder, R"({"train":{"epochs":2}})").toStdString());
    ExperimentRun(e, root / "run").train();
    export_bundle(root / "run", root / "quadrants.cradle");
    // Test images as PNG files, and one that is not an image.
    const ClassificationData data = load_classification_data(e, SplitsToLoad::TestOnly);
    std::vector<fs::path> files;
    for (int i = 0; i < 4; ++i) {
      const auto pixels = (data.test.inputs[i][0] * data.normalize_std[0] + data.normalize_mean[0])
                              .mul(255)
                              .round()
                              .to(torch::kUInt8)
                              .contiguous();
      files.push_back(root / ("sample" + std::to_string(i) + ".png"));
      write_text_atomically(files.back(), encode_png(pixels.data_ptr<std::uint8_t>(), 8, 8, 1));
    }
    files.push_back(root / "notes.png");
    write_text_atomically(files.back(), "not an image");
    ModelBundle reference = open_bundle(root / "quadrants.cradle");
    const auto expected = predict_images(reference, files, 3);

    MainWindow window;
    window.resize(1200, 800);
    window.show();
    QVERIFY(window.openBundle(QString::fromStdString((root / "quadrants.cradle").string())));
    BundlePanel* panel = window.bundlePanel();
    QCOMPARE(panel->inputKind(), QStringLiteral("image"));
    QVERIFY(panel->cardMarkdown().contains("# Model card"));
    QVERIFY(window.findChild<QLabel*>(QStringLiteral("bundleTitle"))->text().contains("quadrants.cradle"));

    QSignalSpy ready(panel, &BundlePanel::predictionsReady);
    QStringList paths;
    for (const auto& f : files) paths << QString::fromStdString(f.string());
    panel->predictFiles(paths);
    QVERIFY(ready.wait(60000));
    QTableWidget* table = panel->predictionsTable();
    QCOMPARE(table->rowCount(), 5);
    for (int i = 0; i < 4; ++i) {
      QCOMPARE(table->item(i, 1)->text().toStdString(), expected[static_cast<std::size_t>(i)].top.at(0).label);
      QVERIFY(!table->item(i, 0)->icon().isNull());  // a thumbnail of the image
    }
    QCOMPARE(table->item(4, 1)->text(), QStringLiteral("error"));
    QVERIFY2(table->item(4, 3)->text().contains("not a readable image"), qPrintable(table->item(4, 3)->text()));
    if (!screenshots_.isEmpty()) QVERIFY(window.grab().save(QDir(screenshots_).filePath("8-model-bundle.png")));

    // A broken bundle is refused by name; the open one stays.
    QDir().mkpath(dir_.filePath("broken"));
    write_text_atomically(dir_.filePath("broken/bundle.json").toStdString(), "{\"format\": \"cradle-bundle\"");
    QVERIFY(!window.openBundle(dir_.filePath("broken/bundle.json")));
    QVERIFY2(panel->errorText().contains("bundle.json"), qPrintable(panel->errorText()));
    QCOMPARE(panel->bundlePath(), QString::fromStdString((root / "quadrants.cradle").string()));
    QCOMPARE(panel->inputKind(), QStringLiteral("image"));
  }

  // The Model tab gives the facts and the model card room to read, for a
  // language model (the most facts) at 1280x800 and at 1024x768.
  void factsAndModelCardReadAtSmallSizes() {
    const fs::path root = dir_.filePath("chat-view").toStdString();
    fs::create_directories(root);
    const fs::path chat = tiny_chat_policy(root);
    export_bundle(chat, root / "bundle");
    for (const QSize size : {QSize(1280, 800), QSize(1024, 768)}) {
      MainWindow window;
      window.resize(size);
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      QVERIFY(window.openBundle(QString::fromStdString((root / "bundle").string())));
      QApplication::processEvents();
      if (!screenshots_.isEmpty())
        QVERIFY(window.grab().save(QDir(screenshots_).filePath(QStringLiteral("model-tab-%1.png").arg(size.width()))));
      QCOMPARE(window.size(), size);
      BundlePanel* panel = window.bundlePanel();
      auto* card = panel->findChild<QWidget*>(QStringLiteral("modelCard"));
      QVERIFY2(card->height() >= 150, qPrintable(QStringLiteral("the model card is %1 px tall at %2x%3")
                                                     .arg(card->height())
                                                     .arg(size.width())
                                                     .arg(size.height())));
      // Every fact is whole on screen, or its pane scrolls to it.
      auto* facts = panel->findChild<QScrollArea*>(QStringLiteral("bundleFacts"));
      QVERIFY(facts);
      const bool scrolls = facts->verticalScrollBar()->maximum() > 0;
      for (auto* label : facts->widget()->findChildren<QLabel*>()) {
        QVERIFY2(label->height() >= label->heightForWidth(label->width()) || !label->wordWrap(),
                 qPrintable(label->text()));
        const QRect shown(label->mapTo(facts->viewport(), QPoint(0, 0)), label->size());
        QVERIFY2(scrolls || facts->viewport()->rect().contains(shown), qPrintable(label->text()));
      }
    }
  }

  void streamsAGenerationAndStopsOnRequest() {
    const fs::path root = dir_.filePath("chat").toStdString();
    fs::create_directories(root);
    const fs::path chat = tiny_chat_policy(root);
    export_bundle(chat, root / "bundle");
    BundlePanel panel;
    QVERIFY2(panel.openBundle(QString::fromStdString((root / "bundle").string())), qPrintable(panel.errorText()));
    QCOMPARE(panel.inputKind(), QStringLiteral("language_model"));
    QSignalSpy finished(&panel, &BundlePanel::generationFinished);
    panel.generate(QStringLiteral("say cat"), 8, /*temperature=*/0);
    QVERIFY(finished.wait(60000));
    // The chat model's reply, on its own line after the prompt, in the text as streamed.
    QVERIFY2(panel.generatedText().startsWith("say cat\n\n") && panel.generatedText().size() > 9,
             qPrintable(panel.generatedText()));
    QVERIFY2(panel.generationStatus().contains("tokens/s"), qPrintable(panel.generationStatus()));
    if (!screenshots_.isEmpty()) {
      panel.resize(1000, 600);
      QVERIFY(panel.grab().save(QDir(screenshots_).filePath("9-model-generation.png")));
    }
    // Stop pressed while the model works: it ends after the token in hand.
    panel.generate(QStringLiteral("say dog"), 2000, 1.0, 3);
    QVERIFY(panel.busy());
    panel.stopGeneration();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QVERIFY2(panel.generationStatus().startsWith("1 token,") && panel.generationStatus().contains("cancelled"),
             qPrintable(panel.generationStatus()));
    QVERIFY(!panel.busy());
  }

  // A model downloaded from the Hub opens in the Model tab as it is: its facts,
  // its README as the card, and the playground answering in its chat template.
  void opensAHuggingFaceModelFolder() {
    const fs::path folder = dir_.filePath("hub-model").toStdString();
    write_tiny_chat_model_folder(folder);
    write_text_atomically(folder / "README.md", "# Tiny chat\n\nA ChatML model for the tests.\n");
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY2(window.openModelFolder(QString::fromStdString(folder.string())), qPrintable(window.errorText()));
    BundlePanel* panel = window.bundlePanel();
    QCOMPARE(panel->inputKind(), QStringLiteral("language_model"));
    QStringList facts;
    for (auto* label : panel->findChild<QScrollArea*>(QStringLiteral("bundleFacts"))->widget()->findChildren<QLabel*>())
      facts << label->text();
    const QString all = facts.join(QStringLiteral(" | "));
    QVERIFY2(
        all.contains("LlamaForCausalLM") && all.contains("its own chat template") && all.contains("byte-level BPE"),
        qPrintable(all));
    QVERIFY2(panel->cardMarkdown().contains("A ChatML model for the tests."), qPrintable(panel->cardMarkdown()));

    QSignalSpy finished(panel, &BundlePanel::generationFinished);
    panel->generate(QStringLiteral("say cat"), 8, /*temperature=*/0);
    QVERIFY(finished.wait(60000));
    // The prompt was the user's turn in the folder's template: the reply follows on its own line.
    QVERIFY2(panel->generatedText().startsWith("say cat\n\n"), qPrintable(panel->generatedText()));
    QVERIFY2(panel->generationStatus().contains("tokens/s"), qPrintable(panel->generationStatus()));
    if (!screenshots_.isEmpty()) QVERIFY(window.grab().save(QDir(screenshots_).filePath("model-folder.png")));

    // A folder that is no model is refused by name; the open one stays.
    const QString empty = dir_.filePath("not-a-model");
    QDir().mkpath(empty);
    QVERIFY(!window.openModelFolder(empty));
    QVERIFY2(panel->errorText().contains("not a Hugging Face model folder"), qPrintable(panel->errorText()));
    QCOMPARE(panel->bundlePath(), QString::fromStdString(folder.string()));
  }

  // An ImageNet backbone folder (torchvision's names, timm's config.json) opens in the Model tab as it is: its
  // architecture, classes and README, and photos classified by it as cradle-cli predict classifies them.
  void opensAnImageBackboneFolder() {
    const fs::path folder = dir_.filePath("mobilenet-backbone").toStdString();
    fs::create_directories(folder);
    torch::manual_seed(5);
    auto model = build_mobilenet_v2(3, 3);
    NamedTensors tensors;
    for (const auto& p : model->named_parameters()) tensors.emplace_back(p.key(), p.value());
    for (const auto& b : model->named_buffers()) tensors.emplace_back(b.key(), b.value());
    write_safetensors(folder / "model.safetensors", tensors);
    write_text_atomically(folder / "config.json",
                          Json{{"architecture", "mobilenet_v2"},
                               {"num_classes", 3},
                               {"label_names", {"cat", "dog", "fox"}},
                               {"pretrained_cfg", {{"input_size", {3, 64, 64}}, {"crop_pct", 0.875}}}}
                              .dump());
    write_text_atomically(folder / "README.md", "# A tiny backbone\n\nThree classes.\n");
    std::vector<std::uint8_t> pixels(80 * 80 * 3);
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>((i * 7) % 251);
    const fs::path photo = dir_.filePath("photo.png").toStdString();
    write_text_atomically(photo, encode_png(pixels.data(), 80, 80, 3));
    ModelBundle reference = open_bundle_or_model_folder(folder);
    const auto expected = predict_images(reference, {photo}, 3);

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY2(window.openModelFolder(QString::fromStdString(folder.string())), qPrintable(window.errorText()));
    BundlePanel* panel = window.bundlePanel();
    QCOMPARE(panel->inputKind(), QStringLiteral("image"));
    QVERIFY(window.findChild<QLabel*>(QStringLiteral("bundleTitle"))->text().contains("ImageNet backbone folder"));
    QStringList facts;
    for (auto* label : panel->findChild<QScrollArea*>(QStringLiteral("bundleFacts"))->widget()->findChildren<QLabel*>())
      facts << label->text();
    const QString all = facts.join(QStringLiteral(" | "));
    QVERIFY2(all.contains("mobilenet_v2") && all.contains("cat, dog, fox") && all.contains("[3,64,64]"),
             qPrintable(all));
    QVERIFY2(panel->cardMarkdown().contains("Three classes."), qPrintable(panel->cardMarkdown()));

    QSignalSpy ready(panel, &BundlePanel::predictionsReady);
    panel->predictFiles({QString::fromStdString(photo.string())});
    QVERIFY(ready.wait(60000));
    QCOMPARE(panel->predictionsTable()->item(0, 1)->text().toStdString(), expected.at(0).top.at(0).label);
    if (!screenshots_.isEmpty()) QVERIFY(window.grab().save(QDir(screenshots_).filePath("image-backbone.png")));
  }
};

CRADLE_REGISTER_TEST(BundlePanelTest);

}  // namespace cradle::test

#include "bundle_panel_test.moc"
