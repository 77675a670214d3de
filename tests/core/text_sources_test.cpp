// Text corpora (files, folders, record separators), JSON Lines, and the
// dialogue/preference layouts: good input read exactly, bad input reported by
// file, line and byte.
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

#include "core/common/error.h"
#include "core/text/conversation_records.h"
#include "core/text/jsonl_reader.h"
#include "core/text/text_corpus.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

template <typename F>
QString data_error_of(F f) {
  try {
    f();
  } catch (const DataError& error) {
    return error.what();
  }
  return "no error";
}

TextCorpus split(const std::string& content, RecordSplit how, bool skip = false) {
  TextCorpusOptions options;
  options.split = how;
  options.skip_bad_records = skip;
  TextCorpus corpus;
  split_text_records(content, "f.txt", options, corpus);
  return corpus;
}

}  // namespace

class TextSourcesTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void splitsFortuneRecordsAtSeparatorLines() {
    const auto corpus =
        split("A fool and his money\nare soon parted.\n%\nSecond one.\r\n%\n%\n\nThird\n", RecordSplit::SeparatorLine);
    QCOMPARE(corpus.records.size(), size_t(3));
    QCOMPARE(QString::fromStdString(corpus.records[0].text), QString("A fool and his money\nare soon parted."));
    QCOMPARE(QString::fromStdString(corpus.records[1].text), QString("Second one."));  // CRLF trimmed
    QCOMPARE(QString::fromStdString(corpus.records[2].origin), QString("f.txt:7"));    // empty records dropped
    QCOMPARE(QString::fromStdString(corpus.records[2].text), QString("\nThird"));
  }

  void splitsLinesParagraphsAndFiles() {
    const std::string text = "\xEF\xBB\xBFone\ntwo\n\nthree\n";  // with a byte-order mark
    QCOMPARE(split(text, RecordSplit::Line).records.size(), size_t(3));
    const auto paragraphs = split(text, RecordSplit::Paragraph);
    QCOMPARE(paragraphs.records.size(), size_t(2));
    QCOMPARE(QString::fromStdString(paragraphs.records[0].text), QString("one\ntwo"));
    QCOMPARE(QString::fromStdString(paragraphs.records[1].origin), QString("f.txt:4"));
    const auto whole = split(text, RecordSplit::File);
    QCOMPARE(whole.records.size(), size_t(1));
    QVERIFY(whole.records[0].text.rfind("one", 0) == 0);
  }

  void reportsInvalidUtf8ByFileLineAndByte() {
    const std::string text = "good\n%\nbad \xff byte\n%\nfine\n";
    QCOMPARE(data_error_of([&] { split(text, RecordSplit::SeparatorLine); }),
             QString("f.txt:3: invalid UTF-8 at byte 11 of f.txt"));
    const auto skipped = split(text, RecordSplit::SeparatorLine, true);
    QCOMPARE(skipped.records.size(), size_t(2));
    QCOMPARE(skipped.skipped.size(), size_t(1));
  }

  void readsFoldersInSortedOrderWithPatterns() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write(root / "b" / "2.txt", "beta");
    write(root / "a.txt", "alpha");
    write(root / "skip.dat", "binary");
    write(root / "c" / "notes.md", "markdown");
    TextCorpusOptions options;
    auto corpus = read_text_corpus({root}, options);
    QCOMPARE(corpus.records.size(), size_t(2));
    QCOMPARE(QString::fromStdString(corpus.records[0].text), QString("alpha"));
    QCOMPARE(QString::fromStdString(corpus.records[1].text), QString("beta"));
    options.include = {"*"};
    options.exclude = {"*.dat", "*.md"};
    QCOMPARE(read_text_corpus({root}, options).records.size(), size_t(2));
    // A file named twice is read once.
    QCOMPARE(read_text_corpus({root / "a.txt", root / "a.txt"}, options).records.size(), size_t(1));
    try {
      read_text_corpus({root / "missing"}, options);
      QFAIL("a missing path was accepted");
    } catch (const IoError& error) {
      QVERIFY(QString(error.what()).endsWith("missing: no such file or folder"));
    }
    QVERIFY(matches_file_pattern("data_batch_1.bin", "data_batch_?.bin"));
    QVERIFY(matches_file_pattern("fortunes", "*"));
    QVERIFY(!matches_file_pattern("fortunes.dat", "*.txt"));
    QVERIFY(matches_file_pattern("a.tar.gz", "*.gz"));
  }

  void readsTheRealFortuneFiles() {
    const fs::path fortunes = "/usr/share/games/fortunes/fortunes";
    QVERIFY2(fs::exists(fortunes), "the fortunes package is missing: run scripts/install-deps.sh");
    TextCorpusOptions options;
    options.split = RecordSplit::SeparatorLine;
    const auto corpus = read_text_corpus({fortunes}, options);
    QVERIFY(corpus.records.size() > 400);
    for (const auto& record : corpus.records) QVERIFY(record.text.find("\n%\n") == std::string::npos);
  }

  void readsJsonlTextFields() {
    TextCorpus corpus;
    read_jsonl_texts("{\"text\": \"first\", \"id\": 1}\n\n  \n{\"text\": \"\\u6708\\u4e0b\"}\n", "d.jsonl", "text",
                     false, corpus);
    QCOMPARE(corpus.records.size(), size_t(2));
    QCOMPARE(QString::fromStdString(corpus.records[1].text), QString::fromUtf8("\xe6\x9c\x88\xe4\xb8\x8b"));
    QCOMPARE(QString::fromStdString(corpus.records[1].origin), QString("d.jsonl:4"));
  }

  void reportsBadJsonlLines() {
    const auto error_for = [](const std::string& content) {
      return data_error_of([&] {
        TextCorpus corpus;
        read_jsonl_texts(content, "d.jsonl", "text", false, corpus);
      });
    };
    QCOMPARE(error_for("{\"text\": \"ok\"}\n{\"text\": 3}\n"),
             QString("d.jsonl:2: \"text\" must be a string, got a number"));
    QCOMPARE(error_for("{\"body\": \"x\"}\n"), QString("d.jsonl:1: no \"text\" field"));
    QCOMPARE(error_for("[1, 2]\n"), QString("d.jsonl:1: expected a JSON object, got an array"));
    QVERIFY(error_for("{\"text\": \"ok\"}\n{\"text\": \"unclosed}\n").startsWith("d.jsonl:2: not JSON: "));
    QCOMPARE(error_for("{\"text\": \"ok\"}\n{\"text\": \"\xc3\"}\n"),
             QString("d.jsonl:2: invalid UTF-8 at byte 25 of d.jsonl"));
    TextCorpus corpus;
    read_jsonl_texts("{\"text\": \"ok\"}\n{oops\n{\"text\": \"fine\"}\n", "d.jsonl", "text", true, corpus);
    QCOMPARE(corpus.records.size(), size_t(2));
    QCOMPARE(corpus.skipped.size(), size_t(1));
    QVERIFY(QString::fromStdString(corpus.skipped[0]).startsWith("d.jsonl:2: not JSON"));
  }

  void readsDialogueLayouts() {
    const auto set = parse_dialogue_jsonl(
        "{\"prompt\": \"Hi\", \"response\": \"Hello!\"}\n"
        "{\"prompt\": \"2+2?\", \"completion\": \"4\"}\n"
        "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Why?\"},"
        " {\"role\": \"assistant\", \"content\": \"Because.\"}]}\n",
        "chat.jsonl");
    QCOMPARE(set.dialogues.size(), size_t(3));
    QVERIFY((set.dialogues[0].messages == std::vector<ChatMessage>{{"user", "Hi"}, {"assistant", "Hello!"}}));
    QCOMPARE(QString::fromStdString(set.dialogues[1].messages[1].content), QString("4"));
    QCOMPARE(set.dialogues[2].messages.size(), size_t(3));
    QCOMPARE(data_error_of(
                 [] { parse_dialogue_jsonl("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "c.jsonl"); }),
             QString("c.jsonl:1: the last message must be the assistant's, got \"user\""));
    QCOMPARE(data_error_of(
                 [] { parse_dialogue_jsonl("{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}", "c.jsonl"); }),
             QString("c.jsonl:1: messages[0]: role must be \"system\", \"user\" or \"assistant\", got \"bot\""));
    QCOMPARE(data_error_of([] { parse_dialogue_jsonl("{\"text\": \"x\"}", "c.jsonl"); }),
             QString("c.jsonl:1: expected {\"prompt\", \"response\"} or {\"messages\": [...]}"));
  }

  void readsPreferenceLayouts() {
    const auto set = parse_preference_jsonl(
        "{\"prompt\": \"Name a colour\", \"chosen\": \"Blue.\", \"rejected\": \"No.\"}\n"
        "{\"prompt\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"chosen\": [{\"role\": \"assistant\", \"content\": \"Hello\"}],"
        " \"rejected\": [{\"role\": \"assistant\", \"content\": \"Go away\"}]}\n"
        "{\"chosen\": \"\\n\\nHuman: What is 2+2?\\n\\nAssistant: 4\\n\\nHuman: Sure?\\n\\nAssistant: Yes, 4.\","
        " \"rejected\": \"\\n\\nHuman: What is 2+2?\\n\\nAssistant: 4\\n\\nHuman: Sure?\\n\\nAssistant: No, 5.\"}\n",
        "prefs.jsonl");
    QCOMPARE(set.pairs.size(), size_t(3));
    QCOMPARE(QString::fromStdString(set.pairs[0].chosen), QString("Blue."));
    QCOMPARE(QString::fromStdString(set.pairs[1].rejected), QString("Go away"));
    const auto& hh = set.pairs[2];
    QCOMPARE(hh.prompt.size(), size_t(3));  // user, assistant, user
    QCOMPARE(QString::fromStdString(hh.prompt[2].content), QString("Sure?"));
    QCOMPARE(QString::fromStdString(hh.chosen), QString("Yes, 4."));
    QCOMPARE(QString::fromStdString(hh.rejected), QString("No, 5."));
    QCOMPARE(
        data_error_of([] {
          parse_preference_jsonl(
              "{\"chosen\": \"\\n\\nHuman: a\\n\\nAssistant: b\", \"rejected\": \"\\n\\nHuman: X\\n\\nAssistant: c\"}",
              "p.jsonl");
        }),
        QString("p.jsonl:1: \"chosen\" and \"rejected\" must share every turn before the last reply"));
    QCOMPARE(
        data_error_of([] { parse_preference_jsonl("{\"chosen\": \"plain text\", \"rejected\": \"x\"}", "p.jsonl"); }),
        QString("p.jsonl:1: no \"\\n\\nHuman:\" turn"));
    QCOMPARE(
        data_error_of([] { parse_preference_jsonl("{\"prompt\": \"p\", \"chosen\": \"a\"}", "p.jsonl"); }),
        QString("p.jsonl:1: expected {\"prompt\", \"chosen\", \"rejected\"} or HH-RLHF {\"chosen\", \"rejected\"}"));
    const auto skipped =
        parse_preference_jsonl("{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": 1}\n", "p.jsonl", true);
    QCOMPARE(skipped.pairs.size(), size_t(0));
    QCOMPARE(skipped.skipped.size(), size_t(1));
  }
};

CRADLE_REGISTER_TEST(TextSourcesTest);

}  // namespace cradle::test

#include "text_sources_test.moc"
