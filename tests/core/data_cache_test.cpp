// The prepared-data cache: a second load is a hit with the same tensors, and
// any change to a source file or to the data section is a miss.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <fstream>
#include <thread>

#include "core/common/error.h"
#include "core/data/data_cache.h"
#include "core/data/data_cache_entries.h"
#include "core/experiment/experiment.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class DataCacheTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir cache_;

 private Q_SLOTS:
  void init() {
    qputenv("CRADLE_CACHE_DIR", cache_.path().toUtf8());
    qunsetenv("CRADLE_CACHE_MAX_SIZE");
  }

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

  void evictionRemovesLeastRecentlyUsedEntriesFirst() {
    QTemporaryDir dir;
    const auto folder = std::filesystem::path(dir.path().toStdString());
    const auto now = std::filesystem::file_time_type::clock::now();
    // Four entries of 100 bytes, used 4, 3, 2 and 1 hours ago; a stray file and a stale temporary.
    const auto make = [&](char digit, int hours_ago, const char* extension, std::size_t bytes = 100) {
      const auto path = folder / (std::string(32, digit) + extension);
      std::ofstream(path) << std::string(bytes, 'x');
      std::filesystem::last_write_time(path, now - std::chrono::hours(hours_ago));
      return path;
    };
    make('a', 4, ".pt");
    make('b', 3, ".text.json");
    make('c', 2, ".pt", 60);
    make('c', 2, ".json", 40);
    make('d', 1, ".pt");
    std::ofstream(folder / "notes.txt") << "not a cache entry";
    const auto stale = folder / ("." + std::string(32, 'e') + ".pt.tmp-1-0");
    std::ofstream(stale) << "half written";
    std::filesystem::last_write_time(stale, now - std::chrono::hours(2));

    auto entries = list_data_cache(folder);
    QCOMPARE(entries.size(), size_t(4));
    QCOMPARE(QString::fromStdString(entries.front().key), QString(32, 'd'));
    QCOMPARE(entries.at(1).bytes, std::uintmax_t(100));  // c: both of its files
    QCOMPARE(entries.at(1).files.size(), size_t(2));

    touch_data_cache_entry(folder, std::string(32, 'a'));  // a becomes the most recent
    const auto result = evict_data_cache(folder, 250);
    QCOMPARE(result.entries_removed, std::int64_t(2));  // b and c; a and d fit
    QCOMPARE(result.bytes_left, std::uintmax_t(200));
    entries = list_data_cache(folder);
    QCOMPARE(entries.size(), size_t(2));
    QCOMPARE(QString::fromStdString(entries.at(0).key), QString(32, 'a'));
    QCOMPARE(QString::fromStdString(entries.at(1).key), QString(32, 'd'));
    QVERIFY(!std::filesystem::exists(stale));
    QVERIFY(std::filesystem::exists(folder / "notes.txt"));
    QCOMPARE(evict_data_cache(folder, 0).entries_removed, std::int64_t(2));
    QVERIFY(list_data_cache(folder).empty());
  }

  void newEntriesKeepTheFolderUnderItsLimit() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 60, 12);
    auto e = load_experiment(write_quadrant_experiment(dir.path()).toStdString());
    load_classification_data_cached(e);
    const auto folder = data_cache_dir();
    const auto one_entry = list_data_cache(folder).at(0).bytes;
    qputenv("CRADLE_CACHE_MAX_SIZE", QByteArray::number(static_cast<qulonglong>(one_entry * 3 / 2)));
    e.seed += 1;
    load_classification_data_cached(e);  // a second entry: the older one goes
    const auto entries = list_data_cache(folder);
    QCOMPARE(entries.size(), size_t(1));
    QCOMPARE(QString::fromStdString(entries.at(0).key), QString::fromStdString(data_cache_key(e)));
    qputenv("CRADLE_CACHE_MAX_SIZE", "lots");
    try {
      load_classification_data_cached(e);
      QFAIL("a bad limit was accepted");
    } catch (const ConfigError& error) {
      QCOMPARE(QString(error.what()),
               QString("CRADLE_CACHE_MAX_SIZE: expected a size such as 4G, 500M or a number of bytes, got \"lots\""));
    }
    qunsetenv("CRADLE_CACHE_MAX_SIZE");
  }

  void byteSizesReadAsPeopleWriteThem() {
    QCOMPARE(parse_byte_size("123", "x"), std::uintmax_t(123));
    QCOMPARE(parse_byte_size("4G", "x"), std::uintmax_t(4) << 30);
    QCOMPARE(parse_byte_size("500MiB", "x"), std::uintmax_t(500) << 20);
    QCOMPARE(parse_byte_size("1.5k", "x"), std::uintmax_t(1536));
    QCOMPARE(parse_byte_size("2gb", "x"), std::uintmax_t(2) << 30);
    for (const char* bad : {"", "-1", "4X", "G", "1e30", "nan"})
      QVERIFY_THROWS_EXCEPTION(ConfigError, parse_byte_size(bad, "x"));
    QCOMPARE(QString::fromStdString(format_byte_size(512)), QString("512 B"));
    QCOMPARE(QString::fromStdString(format_byte_size(std::uintmax_t(213) << 20)), QString("213.0 MiB"));
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
    QCOMPARE(QString::fromStdString(b.steps.at(0).examples.at(0).reason),
             QString::fromStdString(a.steps.at(0).examples.at(0).reason));
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
