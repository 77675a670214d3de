// The IDX reader on good files and on each kind of broken one.
#include <QTemporaryDir>
#include <QTest>

#include "core/common/error.h"
#include "core/data/idx_file.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class IdxFileTest : public QObject {
  Q_OBJECT

 private:
  static std::string bytes_of(const QByteArray& bytes) { return bytes.toStdString(); }

  static void expect_error(const QByteArray& bytes, const char* fragment) {
    try {
      parse_idx(bytes_of(bytes), "sample.idx");
      QFAIL(qPrintable(QStringLiteral("no error for a file that should give: %1").arg(fragment)));
    } catch (const DataError& error) {
      const QString message = QString::fromStdString(error.what());
      QVERIFY2(message.startsWith("sample.idx: "), qPrintable(message));
      QVERIFY2(message.contains(fragment), qPrintable(message));
    }
  }

 private Q_SLOTS:
  void parsesImagesAndLabels() {
    const auto array = parse_idx(bytes_of(idx_bytes({2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})), "x");
    QCOMPARE(array.dims, (std::vector<std::int64_t>{2, 2, 3}));
    QCOMPARE(array.count(), 2);
    QCOMPARE(int(array.values.at(11)), 12);
  }

  void readsGzipAndPlainFilesAlike() {
    QTemporaryDir dir;
    std::vector<std::uint8_t> values(3 * 4 * 4);
    for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint8_t>(i * 5);
    write_idx(dir.filePath("plain.idx"), {3, 4, 4}, values);
    write_idx(dir.filePath("packed.idx.gz"), {3, 4, 4}, values, /*gzip=*/true);
    const auto plain = read_idx_file(dir.filePath("plain.idx").toStdString());
    const auto packed = read_idx_file(dir.filePath("packed.idx.gz").toStdString());
    QCOMPARE(packed.dims, plain.dims);
    QVERIFY(packed.values == plain.values);
    QCOMPARE(int(plain.values.back()), int(values.back()));
  }

  void rejectsWrongMagic() {
    QByteArray bytes = idx_bytes({1}, {0});
    bytes[0] = char(0x1f);
    bytes[1] = char(0x00);
    expect_error(bytes, "magic number");
  }

  void rejectsUnsupportedValueType() {
    QByteArray bytes = idx_bytes({1}, {0});
    bytes[2] = char(0x0D);
    expect_error(bytes, "value type 0x0D at byte 2");
  }

  void rejectsBadRank() {
    QByteArray bytes = idx_bytes({1}, {0});
    bytes[3] = char(9);
    expect_error(bytes, "rank 9 at byte 3");
  }

  void rejectsTruncatedHeader() {
    expect_error(idx_bytes({5, 28, 28}, {}).left(9), "truncated IDX header");
    expect_error(QByteArray("\0\0", 2), "header alone needs 4");
  }

  void rejectsTruncatedData() {
    expect_error(idx_bytes({3, 2, 2}, std::vector<std::uint8_t>(11)), "the file has 11 (truncated)");
  }

  void rejectsTrailingBytes() { expect_error(idx_bytes({2}, {1, 2, 3}), "(trailing bytes)"); }

  void rejectsZeroDimension() { expect_error(idx_bytes({0, 28}, {}), "dimension 0 at byte 4 is 0"); }

  void rejectsCorruptGzip() {
    QTemporaryDir dir;
    write_idx(dir.filePath("packed.gz"), {64}, std::vector<std::uint8_t>(64, 7), true);
    QFile file(dir.filePath("packed.gz"));
    QVERIFY(file.open(QIODevice::ReadWrite));
    const QByteArray whole = file.readAll();
    file.resize(whole.size() / 2);
    file.close();
    try {
      read_idx_file(dir.filePath("packed.gz").toStdString());
      QFAIL("a truncated gzip file was accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("gzip error"), error.what());
      QVERIFY2(QString(error.what()).contains("packed.gz"), error.what());
    }
  }

  void reportsMissingFile() { QVERIFY_THROWS_EXCEPTION(IoError, read_idx_file("/nonexistent/cradle/file.idx")); }
};

CRADLE_REGISTER_TEST(IdxFileTest);

}  // namespace cradle::test

#include "idx_file_test.moc"
