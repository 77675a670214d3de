// Atomic writes: a failed write leaves the old file and no temporary behind.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {

class FileIoTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void replacesContentAtomically() {
    QTemporaryDir dir;
    const auto path = dir.filePath("a.txt").toStdString();
    write_text_atomically(path, "first");
    write_text_atomically(path, "second");
    QCOMPARE(QString::fromStdString(read_file(path)), QStringLiteral("second"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
  }

  void failedWriteKeepsOldFileAndLeavesNoTemporary() {
    QTemporaryDir dir;
    const auto path = dir.filePath("checkpoint.pt").toStdString();
    write_text_atomically(path, "good old bytes");
    try {
      write_file_atomically(path, [](const std::filesystem::path& temp) {
        std::ofstream(temp) << "half of a new";
        throw IoError("disk full (simulated)");
      });
      QFAIL("the writer's error was swallowed");
    } catch (const IoError&) {}
    QCOMPARE(QString::fromStdString(read_file(path)), QStringLiteral("good old bytes"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"checkpoint.pt"});
  }

  void createsMissingParentFolders() {
    QTemporaryDir dir;
    const auto path = dir.filePath("a/b/c.txt").toStdString();
    write_text_atomically(path, "x");
    QCOMPARE(QString::fromStdString(read_file(path)), QStringLiteral("x"));
  }

  void appenderWritesWholeLines() {
    QTemporaryDir dir;
    const auto path = dir.filePath("m.jsonl").toStdString();
    {
      LineAppender out(path);
      out.append("{\"a\":1}");
      out.append("{\"a\":2}");
      // Visible to a reader before the appender is closed.
      QCOMPARE(QString::fromStdString(read_file(path)), QStringLiteral("{\"a\":1}\n{\"a\":2}\n"));
    }
    LineAppender again(path);
    again.append("3");
    QCOMPARE(QString::fromStdString(read_file(path)).count('\n'), 3);
  }

  void readReportsMissingFileByName() {
    try {
      read_file("/nonexistent/x.json");
      QFAIL("no error");
    } catch (const IoError& error) {
      QCOMPARE(QString(error.what()), QStringLiteral("/nonexistent/x.json: no such file"));
    }
  }
};

CRADLE_REGISTER_TEST(FileIoTest);

}  // namespace cradle::test

#include "file_io_test.moc"
