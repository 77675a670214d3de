// The prepared-data cache: a second load is a hit with the same tensors, and
// any change to a source file or to the data section is a miss.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <fstream>
#include <thread>

#include "core/data/data_cache.h"
#include "core/experiment/experiment.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class DataCacheTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir cache_;

 private Q_SLOTS:
  void init() { qputenv("CRADLE_CACHE_DIR", cache_.path().toUtf8()); }

  void secondLoadIsAHitWithTheSameTensors() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 60, 12);
    const auto e = load_experiment(write_quadrant_experiment(dir.path()).toStdString());
    CacheOutcome first, second;
    const auto a = load_classification_data_cached(e, &first);
    const auto b = load_classification_data_cached(e, &second);
    QCOMPARE(QString(to_string(first)), QString("miss"));
    QCOMPARE(QString(to_string(second)), QString("hit"));
    QVERIFY(torch::equal(a.train.inputs, b.train.inputs));
    QVERIFY(torch::equal(a.validation.targets, b.validation.targets));
    QVERIFY(torch::equal(a.test.inputs, b.test.inputs));
    QVERIFY(a.class_names == b.class_names);
    QVERIFY(a.input_shape == b.input_shape);
    QVERIFY(QFile::exists(cache_.filePath(QString::fromStdString(data_cache_key(e)) + ".pt")));
  }

  void changesToFilesOrFieldsAreMisses() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 60, 12);
    auto e = load_experiment(write_quadrant_experiment(dir.path()).toStdString());
    const auto key = data_cache_key(e);
    auto other = e;
    other.data.validation_fraction = 0.3;
    QVERIFY(data_cache_key(other) != key);
    other = e;
    other.seed = e.seed + 1;  // another split
    QVERIFY(data_cache_key(other) != key);
    // Rewriting a source file (new size or time) changes the key.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write_quadrant_dataset(dir.path(), 61, 12);
    QVERIFY(data_cache_key(e) != key);
    QCOMPARE(data_cache_key(e), data_cache_key(e));  // and nothing else does
  }

  void damagedEntriesAreRebuilt() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 60, 12);
    const auto e = load_experiment(write_quadrant_experiment(dir.path()).toStdString());
    load_classification_data_cached(e);
    std::ofstream(cache_.filePath(QString::fromStdString(data_cache_key(e)) + ".pt").toStdString()) << "garbage";
    CacheOutcome outcome;
    const auto data = load_classification_data_cached(e, &outcome);
    QCOMPARE(QString(to_string(outcome)), QString("miss"));
    QCOMPARE(data.train.size(), std::int64_t(48));
    load_classification_data_cached(e, &outcome);
    QCOMPARE(QString(to_string(outcome)), QString("hit"));
  }

  void textIsCachedAfterItsSteps() {
    QTemporaryDir dir;
    {
      std::ofstream corpus(dir.filePath("c.txt").toStdString());
      for (int i = 0; i < 50; ++i) corpus << "record number " << i << " with some text\n%\n";
      corpus << "record number 1 with some text\n";  // an exact duplicate
    }
    Json doc = Json::parse(R"({"name": "t", "task": "language_model", "model": {"type": "lstm"},
      "data": {"source": "text", "records": "separator", "steps": [{"op": "dedup_exact"}]}})");
    doc["data"]["paths"] = Json::array({dir.filePath("c.txt").toStdString()});
    auto e = parse_experiment(doc);
    CacheOutcome first, second;
    const auto a = prepare_text_cached(e, &first);
    const auto b = prepare_text_cached(e, &second);
    QCOMPARE(QString(to_string(first)), QString("miss"));
    QCOMPARE(QString(to_string(second)), QString("hit"));
    QCOMPARE(b.steps.at(0).removed(), std::int64_t(1));
    QCOMPARE(QString::fromStdString(b.steps.at(0).examples.at(0).reason), QString::fromStdString(a.steps.at(0).examples.at(0).reason));
    QCOMPARE(a.train.size(), b.train.size());
    QCOMPARE(QString::fromStdString(b.test.at(0).origin), QString::fromStdString(a.test.at(0).origin));
    e.data.cache = false;
    prepare_text_cached(e, &first);
    QCOMPARE(QString(to_string(first)), QString("off"));
  }
};

CRADLE_REGISTER_TEST(DataCacheTest);

}  // namespace cradle::test

#include "data_cache_test.moc"
