// The text cleaning steps, de-duplication and the step pipeline with its reports.
#include <QTest>

#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/text/text_cleaning.h"
#include "core/text/text_corpus.h"
#include "core/text/text_dedup.h"
#include "core/text/text_pipeline.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

TextStep step(const char* op) {
  TextStep s;
  s.op = op;
  return s;
}

const char* const kTangLine =
    "\xe5\xba\x8a\xe5\x89\x8d\xe6\x98\x8e\xe6\x9c\x88\xe5\x85\x89\xef\xbc\x8c";  // 床前明月光，

}  // namespace

class TextCleaningTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void stripsTagsAndDecodesEntities() {
    QCOMPARE(q(strip_html("<p>Fish &amp; chips</p><p>2 &lt; 3 &#x263A; &#8364;</p>")),
             QString::fromUtf8("Fish & chips\n2 < 3 \xe2\x98\xba \xe2\x82\xac\n"));
    QCOMPARE(q(strip_html("a<script>var x = '<b>';</script>b<style>p{}</style>c<!-- note -->d")), QString("abcd"));
    QCOMPARE(q(strip_html("if a < b and &bogus; &#0; ok")), QString::fromUtf8("if a < b and &bogus; \xef\xbf\xbd ok"));
    QCOMPARE(q(strip_html("line<br/>next<BR>last")), QString("line\nnext\nlast"));
  }

  void normalisesWithNfkc() {
    // Full-width Latin and the "fi" ligature fold; Chinese stays as written.
    QCOMPARE(q(normalize_unicode("\xef\xbc\xa1\xef\xbc\xa2 \xef\xac\x81le", UnicodeForm::NFKC)), QString("AB file"));
    QCOMPARE(q(normalize_unicode("e\xcc\x81", UnicodeForm::NFC)), QString::fromUtf8("\xc3\xa9"));
    QCOMPARE(q(normalize_unicode("\xe5\xba\x8a\xe5\x89\x8d\xe6\x98\x8e\xe6\x9c\x88\xe5\x85\x89", UnicodeForm::NFKC)),
             QString::fromUtf8("\xe5\xba\x8a\xe5\x89\x8d\xe6\x98\x8e\xe6\x9c\x88\xe5\x85\x89"));
  }

  void removesAnsiEscapesAndControls() {
    // The colour codes of the fortunes-zh files.
    const std::string coloured = std::string("\x1b[33m    -- ") + kTangLine + "\x1b[m\x1b[32m\x1b[m";
    QCOMPARE(q(remove_control_characters(coloured)), QString::fromUtf8((std::string("    -- ") + kTangLine).c_str()));
    QCOMPARE(q(remove_control_characters("a\tb\r\nc\x07\x7f"
                                         "d\xc2\x85"
                                         "e")),
             QString("a\tb\ncde"));
    QCOMPARE(q(remove_control_characters("_\bB_\bO_\bL_\bD and x\b_y and z\bz")), QString("BOLD and xy and z"));
    QCOMPARE(q(remove_control_characters("title\x1b]0;window\x07 rest")), QString("title rest"));
  }

  void removesSymbolClassesOnly() {
    const std::string text =
        std::string("Hi, \xf0\x9f\x91\x8b\xf0\x9f\x8f\xbd 3 cats! 5\xe2\x82\xac ") + kTangLine;  // 👋🏽 €
    SymbolClasses emoji;
    emoji.emoji = true;
    QCOMPARE(q(remove_symbols(text, emoji)),
             QString::fromUtf8((std::string("Hi,  3 cats! 5\xe2\x82\xac ") + kTangLine).c_str()));
    SymbolClasses punctuation;
    punctuation.punctuation = true;  // the full-width comma too
    QCOMPARE(
        q(remove_symbols(text, punctuation)),
        QString::fromUtf8(
            "Hi \xf0\x9f\x91\x8b\xf0\x9f\x8f\xbd 3 cats 5\xe2\x82\xac \xe5\xba\x8a\xe5\x89\x8d\xe6\x98\x8e\xe6\x9c\x88\xe5\x85\x89"));
    SymbolClasses digits_and_symbols;
    digits_and_symbols.digits = digits_and_symbols.symbols = true;
    QCOMPARE(q(remove_symbols("5\xe2\x82\xac + \xd9\xa3 = x \xf0\x9f\x98\x80", digits_and_symbols)),
             QString::fromUtf8("    x \xf0\x9f\x98\x80"));  // digits of any script go; emoji are not "symbols"
  }

  void collapsesWhitespaceAndLowercases() {
    QCOMPARE(q(collapse_whitespace("  a \t b  \n\n\n\n c \u3000d\n", true)), QString("a b\n\nc d"));
    QCOMPARE(q(collapse_whitespace("a\nb\n\nc", false)), QString("a b c"));
    QCOMPARE(q(to_lower_case("\xc3\x84PFEL \xce\xa3OFIA Stra\xc3\x9f"
                             "e")),
             QString::fromUtf8("\xc3\xa4pfel \xcf\x83ofia stra\xc3\x9f"
                               "e"));
    QCOMPARE(count_code_points(kTangLine), std::int64_t(6));
  }

  void findsExactAndNearDuplicates() {
    const std::vector<std::string> texts = {
        "The quick brown fox jumps over the lazy dog near the river bank today.",
        "An entirely different sentence about compilers and linkers and loaders.",
        "the quick  brown fox jumps over the lazy dog near the river bank today.",  // exact after folding
        "The quick brown fox jumps over the lazy dog near the river bank, today!",  // near
    };
    const auto exact = find_exact_duplicates(texts);
    QCOMPARE(exact.size(), size_t(1));
    QCOMPARE(exact[0].index, size_t(2));
    QCOMPARE(exact[0].kept, size_t(0));
    NearDuplicateOptions options;
    options.threshold = 0.7;
    const auto near = find_near_duplicates(texts, options);
    QCOMPARE(near.size(), size_t(2));
    QCOMPARE(near[1].index, size_t(3));
    QCOMPARE(near[1].kept, size_t(0));
    QVERIFY(near[1].similarity >= 0.7 && near[1].similarity < 1.0);
    // A stricter threshold keeps the near one.
    options.threshold = 0.98;
    QCOMPARE(find_near_duplicates(texts, options).size(), size_t(1));
  }

  void minhashEstimatesJaccardSimilarity() {
    // Two texts sharing about half their shingles: the signature agreement
    // must be near the true Jaccard similarity.
    std::string a, b;
    for (int i = 0; i < 200; ++i) a += "w" + std::to_string(i) + " ";
    for (int i = 100; i < 300; ++i) b += "w" + std::to_string(i) + " ";
    NearDuplicateOptions options;
    options.num_hashes = 256;
    const auto sa = minhash_signature(a, options), sb = minhash_signature(b, options);
    int equal = 0;
    for (size_t i = 0; i < sa.size(); ++i) equal += sa[i] == sb[i];
    const double estimate = equal / 256.0;
    QVERIFY2(estimate > 0.2 && estimate < 0.45, qPrintable(QString::number(estimate)));  // true value about 1/3
    for (const double threshold : {0.5, 0.8, 0.95}) QCOMPARE(128 % choose_lsh_bands(128, threshold), std::int64_t(0));
    QVERIFY(choose_lsh_bands(128, 0.5) > choose_lsh_bands(128, 0.9));  // lower thresholds need more, shorter bands
  }

  void pipelineReportsEveryStep() {
    std::vector<TextRecord> records = {{"<b>Hello</b>   World", "a:1", ""},
                                       {"hello world", "a:2", ""},
                                       {"\x1b[31m\x1b[m", "a:3", ""},
                                       {"tiny", "a:4", ""},
                                       {"Something else entirely, long enough.", "a:5", ""}};
    TextStep filter = step("filter_length");
    filter.min_chars = 6;
    const auto reports =
        apply_text_steps(records, {step("strip_html"), step("remove_control"), step("collapse_whitespace"),
                                   step("lowercase"), step("dedup_exact"), filter});
    QCOMPARE(reports.size(), size_t(6));
    QCOMPARE(reports[0].records_changed, std::int64_t(1));
    QCOMPARE(q(reports[0].examples[0].after), QString("Hello   World"));
    QCOMPARE(reports[1].removed(), std::int64_t(1));  // the record that was only escape codes
    QCOMPARE(reports[4].removed(), std::int64_t(1));
    QCOMPARE(q(reports[4].examples[0].reason), QString("duplicate of a:1"));
    QCOMPARE(reports[5].removed(), std::int64_t(1));
    QCOMPARE(q(reports[5].examples[0].reason), QString("4 characters, below min_chars 6"));
    QCOMPARE(records.size(), size_t(2));
    QCOMPARE(q(records[0].text), QString("hello world"));
    QCOMPARE(reports[5].records_out, std::int64_t(2));
    QVERIFY(reports[0].chars_out < reports[0].chars_in);
    QCOMPARE(q(describe_text_step(filter)), QString("filter_length (min_chars 6, max_chars 0)"));
  }

  void stepsAreValidatedWithTheirPath() {
    const auto error_of = [](const char* json) {
      try {
        parse_text_step(JsonObjectReader(Json::parse(json), "data.steps[2]"));
      } catch (const ConfigError& error) {
        return QString(error.what());
      }
      return QString("accepted");
    };
    QCOMPARE(error_of(R"({"op": "dedup_near", "bands": 7})"),
             QString("data.steps[2].bands: must divide num_hashes (128), got 7"));
    QCOMPARE(
        error_of(R"({"op": "remove_symbols", "classes": ["emoji", "kanji"]})"),
        QString(
            "data.steps[2].classes: unknown class \"kanji\" (use \"emoji\", \"punctuation\", \"digits\" or \"symbols\")"));
    QVERIFY(error_of(R"({"op": "lowercase", "form": "NFC"})").startsWith("data.steps[2].form: unknown key"));
    QVERIFY(error_of(R"({"op": "stem"})").startsWith("data.steps[2].op: "));
    QVERIFY(error_of(R"({"form": "NFC"})").startsWith("data.steps[2].op: required"));
    QCOMPARE(error_of(R"({"op": "filter_length", "min_chars": 10, "max_chars": 5})"),
             QString("data.steps[2].max_chars: must be 0 (no limit) or >= min_chars (10), got 5"));
  }
};

CRADLE_REGISTER_TEST(TextCleaningTest);

}  // namespace cradle::test

#include "text_cleaning_test.moc"
