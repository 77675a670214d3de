// The CIFAR-10 binary source on good and broken files, and training on it.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/data/cifar10_file.h"
#include "core/data/cifar10_source.h"
#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"
#include "core/train/runtime.h"
#include "tests/core/train_to_test_accuracy.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

void expect_data_error(const std::function<void()>& action, const QString& fragment) {
  try {
    action();
    QFAIL(qPrintable("no error; expected " + fragment));
  } catch (const DataError& error) {
    QVERIFY2(QString(error.what()).contains(fragment), error.what());
  }
}

QString write_cifar_experiment(const QString& dir, const std::string& extra = "{}") {
  nlohmann::ordered_json doc = {
      {"name", "cifar"},
      {"seed", 3},
      {"threads", 1},
      {"data", {{"source", "cifar10"}, {"folder", "cifar-10-batches-bin"}, {"validation_fraction", 0.1}}},
      {"model", {{"type", "mlp"}, {"hidden", {32}}}},
      {"train", {{"epochs", 3}, {"batch_size", 20}, {"lr", 0.003}, {"log_every", 10}}}};
  doc.merge_patch(nlohmann::ordered_json::parse(extra));
  const QString path = dir + "/experiment.json";
  QFile file(path);
  file.open(QIODevice::WriteOnly);
  file.write(QByteArray::fromStdString(doc.dump(2)));
  return path;
}

}  // namespace

class Cifar10Test : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void parsesRecords() {
    const QByteArray bytes = cifar10_records(3, 1, 7);
    const auto records = parse_cifar10(bytes.toStdString(), "b.bin");
    QCOMPARE(records.count(), 3);
    QCOMPARE(int(records.labels[0]), 7);
    QCOMPARE(int(records.labels[2]), 9);
    // Label 7: quadrant 3 (bottom right) of channel 1 (green) is lit.
    QVERIFY(records.pixels[1024 + 31 * 32 + 31] >= 160);
    QVERIFY(records.pixels[0] < 160);
  }

  void rejectsTruncatedRecords() {
    const QByteArray bytes = cifar10_records(2, 1).chopped(5);
    expect_data_error(
        [&] { parse_cifar10(bytes.toStdString(), "b.bin"); },
        "b.bin: 6141 bytes is not a whole number of 3,073-byte CIFAR-10 records; record 1 (from byte 3073) is truncated");
    expect_data_error([&] { parse_cifar10("", "e.bin"); }, "e.bin: empty file");
  }

  void rejectsLabelsAboveNine() {
    QByteArray bytes = cifar10_records(3, 1);
    bytes[2 * 3073] = char(12);
    expect_data_error([&] { parse_cifar10(bytes.toStdString(), "b.bin"); },
                      "b.bin: record 2 (byte 6146) has label 12; CIFAR-10 labels are 0 to 9");
  }

  void readsClassNames() {
    const auto names =
        parse_cifar10_meta("airplane\r\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n", "m");
    QCOMPARE(names.size(), size_t(10));
    QCOMPARE(names[0], std::string("airplane"));
    QCOMPARE(names[9], std::string("truck"));
    expect_data_error([] { parse_cifar10_meta("a\nb\n", "meta.txt"); },
                      "meta.txt: expected 10 class names, one per line, found 2");
    expect_data_error([] { parse_cifar10_meta("a\xff\n", "meta.txt"); }, "meta.txt: byte 1 is not valid UTF-8");
  }

  void readsAFolderOfBatches() {
    QTemporaryDir dir;
    write_cifar10_folder(dir.filePath("c"), 30, 3, 20);
    const auto train = read_cifar10_folder(dir.filePath("c").toStdString(), CifarSplit::Train, 0);
    QCOMPARE(train.pixels.sizes(), (torch::IntArrayRef{90, 3, 32, 32}));
    QCOMPARE(train.labels[30].item<std::int64_t>(), 2);  // batch 2 starts with label 2
    QCOMPARE(train.class_names.size(), size_t(10));
    const auto limited = read_cifar10_folder(dir.filePath("c").toStdString(), CifarSplit::Train, 45);
    QCOMPARE(limited.labels.size(0), 45);
    const auto test = read_cifar10_folder(dir.filePath("c").toStdString(), CifarSplit::Test, 0);
    QCOMPARE(test.labels.size(0), 20);
  }

  void reportsMissingFiles() {
    QTemporaryDir dir;
    QVERIFY_THROWS_EXCEPTION(IoError, read_cifar10_folder(dir.filePath("none").toStdString(), CifarSplit::Train, 0));
    try {
      read_cifar10_folder(dir.path().toStdString(), CifarSplit::Train, 0);
      QFAIL("an empty folder was accepted");
    } catch (const IoError& error) {
      QVERIFY2(QString(error.what()).contains("no data_batch_1.bin"), error.what());
    }
    write_cifar10_folder(dir.filePath("c"), 5, 1, 5);
    QFile::remove(dir.filePath("c/test_batch.bin"));
    QVERIFY_THROWS_EXCEPTION(IoError, read_cifar10_folder(dir.filePath("c").toStdString(), CifarSplit::Test, 0));
  }

  void experimentFieldsBelongToTheirSource() {
    const auto doc = [](const char* data) {
      return Json::parse(std::string(R"({"name": "x", "data": )") + data + "}");
    };
    const auto e = parse_experiment(doc(R"({"source": "cifar10", "folder": "f"})"));
    QCOMPARE(QString::fromStdString(e.data.folder), QStringLiteral("f"));
    QCOMPARE(QString::fromStdString(serialize_experiment(parse_experiment(Json::parse(serialize_experiment(e))))),
             QString::fromStdString(serialize_experiment(e)));
    try {
      parse_experiment(doc(R"({"source": "cifar10", "folder": "f", "test_images": "t"})"));
      QFAIL("IDX field accepted for cifar10");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()), QStringLiteral("data.test_images: only used by source \"idx\", not \"cifar10\""));
    }
    QVERIFY_THROWS_EXCEPTION(ConfigError, parse_experiment(doc(R"({"source": "cifar10"})")));
  }

  void trainsAClassifierOnIt() {
    QTemporaryDir dir;
    write_cifar10_folder(dir.filePath("cifar-10-batches-bin"), 100, 2, 60);
    const auto experiment = load_experiment(write_cifar_experiment(dir.path()).toStdString());
    configure_runtime(experiment.threads);
    const auto data = load_classification_data(experiment);
    QCOMPARE(data.input_shape, (std::vector<std::int64_t>{3, 32, 32}));
    QCOMPARE(data.class_names[1], std::string("automobile"));  // from batches.meta.txt
    QCOMPARE(data.train.size() + data.validation.size(), 200);
    const double accuracy = train_to_test_accuracy(experiment, data);
    QVERIFY2(accuracy > 0.9, qPrintable(QString::number(accuracy)));
  }

  void convertsToGrayscale() {
    QTemporaryDir dir;
    write_cifar10_folder(dir.filePath("cifar-10-batches-bin"), 20, 1, 10);
    auto experiment = load_experiment(write_cifar_experiment(dir.path()).toStdString());
    const auto colour = load_classification_data(experiment);
    experiment.data.channels = 1;
    const auto gray = load_classification_data(experiment);
    QCOMPARE(gray.input_shape, (std::vector<std::int64_t>{1, 32, 32}));
    // Pixel (0, 0) of the first test image: BT.601 luminance of its RGB values (normalised as mean 0, std 1 here).
    const auto rgb = colour.test.inputs[0].select(1, 0).select(1, 0) * 255;
    const double luma = 0.299 * rgb[0].item<double>() + 0.587 * rgb[1].item<double>() + 0.114 * rgb[2].item<double>();
    QVERIFY(std::abs(gray.test.inputs[0][0][0][0].item<double>() * 255 - std::round(luma)) < 1e-3);
  }
};

CRADLE_REGISTER_TEST(Cifar10Test);

}  // namespace cradle::test

#include "cifar10_test.moc"
