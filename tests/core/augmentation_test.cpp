// Seeded image augmentation, centre crop and the background batch loader.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <atomic>
#include <stdexcept>

#include "core/common/error.h"
#include "core/data/batch_loader.h"
#include "core/data/classification_data.h"
#include "core/data/image_augmentation.h"
#include "core/experiment/experiment.h"
#include "core/experiment/overrides.h"
#include "core/run/experiment_run.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

AugmentStep augment_step(const char* op, double p = 1.0) {
  AugmentStep s;
  s.op = op;
  s.p = p;
  return s;
}

torch::Tensor random_images(std::int64_t n = 6, std::int64_t channels = 3, std::int64_t size = 8) {
  torch::manual_seed(3);
  return torch::randn({n, channels, size, size});
}

torch::Tensor sample_range(std::int64_t n = 6, std::int64_t first = 0) {
  return torch::arange(first, first + n, torch::kInt64);
}

ImageAugmenter make_augmenter(std::vector<AugmentStep> steps) {
  return ImageAugmenter(std::move(steps), {0.5}, {0.25}, 42);
}

}  // namespace

class AugmentationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void flipsWithProbabilityOneAndZero() {
    const auto x = random_images();
    QVERIFY(torch::equal(make_augmenter({augment_step("hflip")}).apply(x, sample_range(), 1), x.flip({3})));
    QVERIFY(torch::equal(make_augmenter({augment_step("vflip")}).apply(x, sample_range(), 1), x.flip({2})));
    QVERIFY(torch::equal(make_augmenter({augment_step("hflip", 0.0)}).apply(x, sample_range(), 1), x));
  }

  void sameSeedEpochAndSampleGiveTheSameResult() {
    const auto a = make_augmenter({augment_step("rotate"), augment_step("random_resized_crop"),
                                   augment_step("brightness"), augment_step("contrast"), augment_step("noise"),
                                   augment_step("cutout"), augment_step("hflip")});
    const auto x = random_images();
    const auto once = a.apply(x, sample_range(), 3);
    QVERIFY(torch::equal(once, a.apply(x, sample_range(), 3)));
    QVERIFY(!torch::allclose(once, a.apply(x, sample_range(), 4)));  // another epoch, other draws
    // A sample's result does not depend on its batch: augment sample 2 alone.
    const auto alone = a.apply(x.slice(0, 2, 3), sample_range(1, 2), 3);
    QVERIFY(torch::allclose(alone[0], once[2], 1e-5, 1e-5));
    QCOMPARE(once.sizes().vec(), x.sizes().vec());
  }

  void halfTheSamplesFlipAtHalfProbability() {
    const auto x = random_images(400, 1, 4);
    const auto y = make_augmenter({augment_step("hflip", 0.5)}).apply(x, sample_range(400), 1);
    int flipped = 0;
    for (std::int64_t i = 0; i < 400; ++i) flipped += !torch::equal(x[i], y[i]);
    QVERIFY2(flipped > 150 && flipped < 250, qPrintable(QString::number(flipped)));
  }

  void brightnessScalesPixelsNotNormalisedValues() {
    // Normalised with mean 0.5, std 0.25: pixel p is (p - 0.5) / 0.25.
    const auto pixels = torch::rand({4, 1, 5, 5});
    const auto x = (pixels - 0.5) / 0.25;
    AugmentStep b = augment_step("brightness");
    b.amount = 0.5;
    const auto y = make_augmenter({b}).apply(x, sample_range(4), 1);
    const auto back = y * 0.25 + 0.5;  // the augmented pixels
    for (std::int64_t i = 0; i < 4; ++i) {
      const auto factor = (back[i] / pixels[i]).flatten();
      QVERIFY(torch::allclose(factor, factor[0].expand_as(factor), 1e-4, 1e-4));  // one factor per image
      const double f = factor[0].item<double>();
      QVERIFY(f >= 0.5 - 1e-4 && f <= 1.5 + 1e-4);
    }
  }

  void rotationByZeroAndFullCropKeepTheImage() {
    AugmentStep rotate = augment_step("rotate");
    rotate.degrees = 0;
    AugmentStep crop = augment_step("random_resized_crop");
    crop.scale = {1.0, 1.0};
    crop.ratio = {1.0, 1.0};
    const auto x = random_images();
    QVERIFY(torch::allclose(make_augmenter({rotate, crop}).apply(x, sample_range(), 1), x, 1e-4, 1e-4));
    // Angles up to 180 degrees move the pixels.
    rotate.degrees = 180;
    const auto turned = make_augmenter({rotate}).apply(x, sample_range(), 1);
    QVERIFY(!torch::allclose(turned, x, 1e-3, 1e-3));
  }

  void cutoutZeroesASquare() {
    AugmentStep cut = augment_step("cutout");
    cut.size = 0.5;
    const auto x = torch::ones({3, 1, 8, 8});
    const auto y = make_augmenter({cut}).apply(x, sample_range(3), 1);
    for (std::int64_t i = 0; i < 3; ++i) {
      const auto zeros = (y[i] == 0).sum().item<std::int64_t>();
      QVERIFY2(zeros > 0 && zeros <= 16, qPrintable(QString::number(zeros)));  // at most a 4x4 hole
    }
  }

  void augmentListIsValidatedAndRoundTrips() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 40, 8);
    const auto file = write_quadrant_experiment(
        dir.path(),
        R"({"data": {"center_crop": [6, 6], "augment": [{"op": "hflip"}, {"op": "rotate", "degrees": 10}]}})");
    const auto e = load_experiment(file.toStdString());
    QCOMPARE(e.data.augment.size(), size_t(2));
    QCOMPARE(e.data.augment[0].p, 0.5);
    QCOMPARE(e.data.augment[1].p, 1.0);
    const auto text = serialize_experiment(e);
    QCOMPARE(serialize_experiment(parse_experiment(Json::parse(text))), text);
    const auto data = load_classification_data(e);
    QCOMPARE(data.input_shape, (std::vector<std::int64_t>{1, 6, 6}));
    Json doc = Json::parse(text);
    doc["data"]["augment"][1]["degrees"] = 400;
    try {
      parse_experiment(doc);
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()), QString("data.augment[1].degrees: must be between 0 and 180, got 400"));
    }
    doc = Json::parse(text);
    doc["data"]["center_crop"] = Json::array({9, 9});
    try {
      auto too_large = parse_experiment(doc);
      too_large.base_dir = e.base_dir;
      load_classification_data(too_large);
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).startsWith("data.center_crop: [9, 9] is larger than the 8x8 images of "),
               error.what());
    }
  }

  void augmentationReachesTrainingBatchesOnly() {
    // Flipping every training image both ways moves each class's bright
    // quadrant to the opposite corner: trained on that, the model misreads the
    // unflipped test images. So a low test accuracy proves the training batches
    // were augmented and the test batches were not.
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 400, 100);
    const auto accuracy_with = [&](const std::string& augment, const char* run) {
      const auto file =
          write_quadrant_experiment(dir.path(), R"({"train": {"epochs": 3}, "data": {"augment": )" + augment + "}}");
      ExperimentRun experiment_run(load_experiment(file.toStdString()), dir.filePath(run).toStdString());
      return experiment_run.train().test->accuracy;
    };
    const double plain = accuracy_with("[]", "plain");
    const double flipped = accuracy_with(R"([{"op": "hflip", "p": 1}, {"op": "vflip", "p": 1}])", "flipped");
    QVERIFY2(plain > 0.9, qPrintable(QString::number(plain)));
    QVERIFY2(flipped < 0.2, qPrintable(QString::number(flipped)));
  }

  void idxImagesConvertToRgbAndBack() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 40, 8);
    const auto gray = load_classification_data(load_experiment(write_quadrant_experiment(dir.path()).toStdString()));
    const auto file = write_quadrant_experiment(dir.path(), R"({"data": {"channels": 3}})");
    const auto e = load_experiment(file.toStdString());
    const auto rgb = load_classification_data(e);
    QCOMPARE(rgb.input_shape, (std::vector<std::int64_t>{3, 8, 8}));
    QVERIFY(torch::equal(rgb.test.inputs.select(1, 0), gray.test.inputs.select(1, 0)));  // the gray value repeated
    QVERIFY(torch::equal(rgb.test.inputs.select(1, 2), gray.test.inputs.select(1, 0)));
    const auto text = serialize_experiment(e);
    QVERIFY(text.find("\"channels\": 3") != std::string::npos);
    QVERIFY(
        serialize_experiment(load_experiment(write_quadrant_experiment(dir.path()).toStdString())).find("channels") ==
        std::string::npos);  // 0, as the source, is not written
  }

  void loaderHandsOutBatchesInOrder() {
    std::atomic<int> made{0};
    BatchLoader loader(
        20,
        [&](std::size_t i) {
          ++made;
          return Batch{torch::full({1}, static_cast<double>(i)), torch::zeros({1})};
        },
        3, 2);
    for (int i = 0; i < 20; ++i) {
      const auto batch = loader.next();
      QVERIFY(batch);
      QCOMPARE(batch->inputs.item<double>(), static_cast<double>(i));
    }
    QVERIFY(!loader.next());
    QCOMPARE(made.load(), 20);
  }

  void loaderStaysWithinItsPrefetchBound() {
    std::atomic<int> made{0};
    BatchLoader loader(
        100,
        [&](std::size_t) {
          ++made;
          return Batch{torch::zeros({1}), torch::zeros({1})};
        },
        4, 2);
    QTest::qWait(100);
    QVERIFY2(made.load() <= 4, qPrintable(QString::number(made.load())));
    loader.next();
    QTest::qWait(50);
    QVERIFY(made.load() <= 5);
  }  // destroyed with batches left: the workers stop

  void loaderWithoutThreadsMakesBatchesOnDemand() {
    std::vector<std::size_t> made;
    BatchLoader loader(
        3,
        [&](std::size_t i) {
          made.push_back(i);
          return Batch{torch::zeros({1}), torch::zeros({1})};
        },
        4, 0);
    QVERIFY(made.empty());
    loader.next();
    QCOMPARE(made, std::vector<std::size_t>{0});
    loader.next();
    loader.next();
    QVERIFY(!loader.next());
    QCOMPARE(made.size(), size_t(3));
  }

  void loaderRethrowsAtTheFailingBatch() {
    BatchLoader loader(
        5,
        [](std::size_t i) {
          if (i == 2) throw DataError("batch 2 is broken");
          return Batch{torch::zeros({1}), torch::zeros({1})};
        },
        2, 1);
    QVERIFY(loader.next());
    QVERIFY(loader.next());
    try {
      loader.next();
      QFAIL("no error");
    } catch (const DataError& error) {
      QCOMPARE(QString(error.what()), QString("batch 2 is broken"));
    }
  }
};

CRADLE_REGISTER_TEST(AugmentationTest);

}  // namespace cradle::test

#include "augmentation_test.moc"
