// The image-folder source on a folder of real PNG, JPEG and BMP files, with
// the broken and stray files a real folder has.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <random>

#include "core/common/error.h"
#include "core/data/classification_data.h"
#include "core/data/image_folder_source.h"
#include "core/experiment/experiment.h"
#include "core/train/runtime.h"
#include "tests/core/train_to_test_accuracy.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

const std::vector<std::string> kClasses = {"blue-top", "green-left", "red-bottom"};

// `per_class` images per class, of varied sizes and formats; each class has a
// bright band of its own colour on its own side, over noise.
void write_image_folder(const QString& root, int per_class, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> noise(0, 70), size(18, 30);
  const char* formats[] = {".png", ".jpg", ".bmp"};
  for (size_t c = 0; c < kClasses.size(); ++c) {
    QDir().mkpath(root + "/" + QString::fromStdString(kClasses[c]));
    for (int i = 0; i < per_class; ++i) {
      const int h = size(random), w = size(random);
      cv::Mat image(h, w, CV_8UC3);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          cv::Vec3b& px = image.at<cv::Vec3b>(y, x);
          for (int k = 0; k < 3; ++k) px[k] = static_cast<uchar>(noise(random));
          const bool band = c == 0 ? y < h / 3 : c == 1 ? x < w / 3 : y >= 2 * h / 3;
          if (band) px[c == 0 ? 0 : c == 1 ? 1 : 2] = 250;  // OpenCV stores BGR
        }
      const std::string path = root.toStdString() + "/" + kClasses[c] + "/img" + std::to_string(i) + formats[i % 3];
      cv::imwrite(path, image);
    }
  }
}

void write_bytes(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  file.open(QIODevice::WriteOnly);
  file.write(bytes);
}

// A corrupt PNG, a truncated PNG, a text file and a hidden file.
void add_stray_files(const QString& root) {
  write_bytes(root + "/red-bottom/corrupt.png", QByteArray("\x89PNG\r\n\x1a\nthis is not an image"));
  QFile original(root + "/red-bottom/img0.png");
  original.open(QIODevice::ReadOnly);
  write_bytes(root + "/blue-top/truncated.png", original.readAll().left(40));
  write_bytes(root + "/blue-top/notes.txt", "not an image, ignored");
  write_bytes(root + "/green-left/.hidden.png", "ignored");
}

Experiment folder_experiment(const QString& root, const std::string& extra = "{}") {
  Json doc = {
      {"name", "shapes"},
      {"seed", 5},
      {"threads", 1},
      {"data",
       {{"source", "image_folder"}, {"folder", root.toStdString()}, {"image_size", {16, 16}}, {"test_fraction", 0.25}}},
      {"model", {{"type", "mlp"}, {"hidden", {24}}}},
      {"train", {{"epochs", 4}, {"batch_size", 16}, {"lr", 0.003}, {"log_every", 5}}}};
  doc.merge_patch(Json::parse(extra));
  return parse_experiment(doc);
}

}  // namespace

class ImageFolderTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void readsClassesAndResizes() {
    QTemporaryDir dir;
    write_image_folder(dir.path(), 6, 1);
    ImageFolderOptions options;
    options.height = 12;
    options.width = 10;
    options.channels = 3;
    const auto images = read_image_folder(dir.path().toStdString(), options);
    QCOMPARE(images.class_names, kClasses);
    QCOMPARE(images.pixels.sizes(), (torch::IntArrayRef{18, 3, 12, 10}));
    QCOMPARE(images.labels[6].item<std::int64_t>(), 1);
    // Class 0 ("blue-top"): the blue plane is bright at the top, red is not (RGB order).
    const auto first = images.pixels[0].to(torch::kFloat32);
    QVERIFY(first[2][0].mean().item<float>() > 180);
    QVERIFY(first[0][0].mean().item<float>() < 100);
    options.channels = 1;
    QCOMPARE(read_image_folder(dir.path().toStdString(), options).pixels.size(1), 1);
  }

  void padKeepsTheAspectRatio() {
    QTemporaryDir dir;
    QDir().mkpath(dir.filePath("wide"));
    QDir().mkpath(dir.filePath("tall"));
    // A white 40x20 (wide) and a white 10x40 (tall) image, into 10x10.
    cv::imwrite(dir.filePath("wide/a.png").toStdString(), cv::Mat(20, 40, CV_8UC1, cv::Scalar(255)));
    cv::imwrite(dir.filePath("tall/b.png").toStdString(), cv::Mat(40, 10, CV_8UC1, cv::Scalar(255)));
    ImageFolderOptions options;
    options.height = options.width = 10;
    options.keep_aspect = true;
    const auto images = read_image_folder(dir.path().toStdString(), options);
    const auto tall = images.pixels[0][0].to(torch::kFloat32), wide = images.pixels[1][0].to(torch::kFloat32);
    // tall: 10x40 fits as 3x10 (rounded from 2.5), centred: black at the left and right edges.
    QCOMPARE(tall.select(1, 0).max().item<float>(), 0.0f);
    QCOMPARE(tall.select(1, 9).max().item<float>(), 0.0f);
    QCOMPARE(tall.select(1, 4).min().item<float>(), 255.0f);
    // wide: 40x20 fits as 10x5, rows 2..6 white, the rest black.
    QCOMPARE(wide.select(0, 0).max().item<float>(), 0.0f);
    QCOMPARE(wide.select(0, 2).min().item<float>(), 255.0f);
    QCOMPARE(wide.select(0, 6).min().item<float>(), 255.0f);
    QCOMPARE(wide.select(0, 7).max().item<float>(), 0.0f);
    // Stretching fills the whole frame instead.
    options.keep_aspect = false;
    QCOMPARE(read_image_folder(dir.path().toStdString(), options).pixels.min().item<std::uint8_t>(), 255);
  }

  void unreadableImageFailsNamingItsPath() {
    QTemporaryDir dir;
    write_image_folder(dir.path(), 3, 2);
    add_stray_files(dir.path());
    try {
      read_image_folder(dir.path().toStdString(), ImageFolderOptions{});
      QFAIL("a corrupt image was accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("truncated.png: not a readable image"), error.what());
      QVERIFY2(QString(error.what()).contains("data.on_bad_file"), error.what());
    }
  }

  void skipLeavesOutAndCountsUnreadableImages() {
    QTemporaryDir dir;
    write_image_folder(dir.path(), 3, 2);
    add_stray_files(dir.path());
    ImageFolderOptions options;
    options.skip_bad_files = true;
    const auto images = read_image_folder(dir.path().toStdString(), options);
    QCOMPARE(images.labels.size(0), 9);  // the text and hidden files are not images at all
    QCOMPARE(images.skipped_files.size(), size_t(2));
    QVERIFY(QString::fromStdString(images.skipped_files[0]).endsWith("blue-top/truncated.png"));
    QVERIFY(QString::fromStdString(images.skipped_files[1]).endsWith("red-bottom/corrupt.png"));
  }

  void testFolderMustUseTheTrainingClasses() {
    QTemporaryDir dir;
    write_image_folder(dir.filePath("train"), 2, 3);
    write_image_folder(dir.filePath("test"), 1, 4);
    QDir().mkpath(dir.filePath("test/purple"));
    const auto e = folder_experiment(dir.filePath("train"), R"({"data": {"test_fraction": null, "test_folder": ")" +
                                                                dir.filePath("test").toStdString() + R"("}})");
    try {
      load_classification_data(e);
      QFAIL("an unknown test class was accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("class \"purple\" is not among the training folder's classes"),
               error.what());
    }
  }

  void heldOutTestSplitIsTheSameForEval() {
    QTemporaryDir dir;
    write_image_folder(dir.path(), 8, 5);
    const auto e = folder_experiment(dir.path());
    const auto all = load_classification_data(e);
    const auto test_only = load_classification_data(e, SplitsToLoad::TestOnly);
    QCOMPARE(all.test.size(), 6);  // 25% of 24
    QCOMPARE(all.train.size() + all.validation.size(), 18);
    QVERIFY(torch::equal(all.test.inputs, test_only.test.inputs));
    QVERIFY(torch::equal(all.test.targets, test_only.test.targets));
  }

  void experimentFieldsAreValidated() {
    QTemporaryDir dir;
    const auto expect = [&](const std::string& extra, const QString& message) {
      try {
        folder_experiment(dir.path(), extra);
        QFAIL(qPrintable("accepted: " + QString::fromStdString(extra)));
      } catch (const ConfigError& error) {
        QCOMPARE(QString(error.what()), message);
      }
    };
    expect(R"({"data": {"channels": 2}})", "data.channels: must be 1 (grayscale) or 3 (RGB), got 2");
    expect(R"({"data": {"image_size": [16]}})", "data.image_size: expected [height, width], got 1 numbers");
    expect(R"({"data": {"on_bad_file": "ignore"}})", "data.on_bad_file: must be one of fail, skip; got \"ignore\"");
    expect(R"({"data": {"resize": "crop"}})", "data.resize: must be one of stretch, pad; got \"crop\"");
    expect(R"({"data": {"test_images": "x"}})", "data.test_images: only used by source \"idx\", not \"image_folder\"");
    expect(
        R"({"data": {"source": "cifar10"}})",
        "data.test_fraction: only used by sources \"image_folder\", \"csv\", \"text\", \"jsonl\", \"dialogues\", \"preferences\" and \"prompts\", not \"cifar10\"");
  }

  void trainsAClassifierOnAFewHundredImages() {
    QTemporaryDir dir;
    write_image_folder(dir.path(), 100, 6);
    add_stray_files(dir.path());
    const auto e = folder_experiment(dir.path(), R"({"data": {"on_bad_file": "skip"}})");
    configure_runtime(e.threads);
    const auto data = load_classification_data(e);
    QCOMPARE(data.skipped_files.size(), size_t(2));
    const double accuracy = train_to_test_accuracy(e, data);
    QVERIFY2(accuracy > 0.9, qPrintable(QString::number(accuracy)));
  }
};

CRADLE_REGISTER_TEST(ImageFolderTest);

}  // namespace cradle::test

#include "image_folder_test.moc"
