// Programmatic rewards against values worked out by hand, and their JSON
// descriptions: errors name the path, a parsed description writes back the same.
#include <QTest>

#include <cmath>

#include "core/align/programmatic_reward.h"
#include "core/common/error.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

double score(const char* description, std::string_view response) {
  return parse_reward_function(Json::parse(description))->score("a prompt", response);
}

std::string error_of(const char* description) {
  try {
    parse_reward_function(Json::parse(description));
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

bool close_to(double a, double b) { return std::abs(a - b) < 1e-12; }

}  // namespace

class ProgrammaticRewardTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void wordsAreRunsOfLetters() {
    QVERIFY((reward_words("Don't PANIC, it's 42!") == std::vector<std::string>{"don't", "panic", "it's", "42"}));
    QVERIFY((reward_words("Été à Zürich", true) == std::vector<std::string>{"Été", "à", "Zürich"}));
    QVERIFY(reward_words(" ... ").empty());
  }

  void lengthFallsLinearlyAroundItsTarget() {
    const char* words = R"({"type": "length", "target": 4, "tolerance": 2})";
    QCOMPARE(score(words, "one two three four"), 1.0);
    QCOMPARE(score(words, "one two three"), 0.5);  // 1 word off of a tolerance of 2
    QCOMPARE(score(words, "one"), 0.0);            // 3 off: clipped at 0
    QCOMPARE(score(words, "a b c d e f"), 0.0);    // 2 off
    QCOMPARE(score(R"({"type": "length", "target": 3, "tolerance": 3, "unit": "characters"})", "héé"),
             1.0);  // 3 characters, 5 bytes
  }

  void keywordsCountWholeWords() {
    const char* rule = R"({"type": "keywords", "include": ["luck", "Friend"], "avoid": ["never"]})";
    QCOMPARE(score(rule, "Good luck, my friend."), 1.0);
    QCOMPARE(score(rule, "Luck never comes."), 0.5 - 1.0);
    QCOMPARE(score(rule, "unlucky friendship"), 0.0);  // whole words only
    QCOMPARE(score(R"({"type": "keywords", "include": ["Luck"], "case_sensitive": true})", "luck"), 0.0);
  }

  void sentimentBalancesTheLexicon() {
    QCOMPARE(score(R"({"type": "sentiment"})", "A happy friend brings good luck."), 1.0);  // 4 positive, 0 negative
    QVERIFY(close_to(score(R"({"type": "sentiment"})", "Good news and bad news, sad news."), (1.0 - 2.0) / 3.0));
    QCOMPARE(score(R"({"type": "sentiment"})", "The table is wooden."), 0.0);
    QCOMPARE(score(R"({"type": "sentiment", "positive": ["Table"], "negative": []})", "the TABLE"), 1.0);
  }

  void endsWithIgnoresTrailingSpace() {
    QCOMPARE(score(R"({"type": "ends_with", "suffix": "?"})", "Is it? "), 1.0);
    QCOMPARE(score(R"({"type": "ends_with", "suffix": "?"})", "It is."), 0.0);
    QCOMPARE(score(R"({"type": "ends_with", "suffix": "?"})", ""), 0.0);
  }

  void sumsWeightTheirTerms() {
    const char* rule = R"({"type": "sum", "terms": [
        {"weight": 2.0, "reward": {"type": "ends_with", "suffix": "?"}},
        {"weight": -0.5, "reward": {"type": "length", "target": 2, "tolerance": 1}}]})";
    QCOMPARE(score(rule, "Really?"), 2.0 - 0.0);      // 1 word: length score 0
    QCOMPARE(score(rule, "Really now?"), 2.0 - 0.5);  // 2 words: length score 1
    const auto reward = parse_reward_function(Json::parse(rule));
    QCOMPARE(parse_reward_function(reward->to_json())->to_json().dump(), reward->to_json().dump());
    QCOMPARE(parse_reward_function(Json::parse(R"({"type": "sentiment"})"))->to_json().dump(),
             std::string(R"({"type":"sentiment"})"));
  }

  void badDescriptionsNameTheField() {
    QCOMPARE(error_of(R"({"type": "lenght"})"),
             std::string("reward.type: must be one of length, keywords, sentiment, ends_with, sum; got \"lenght\""));
    QCOMPARE(error_of(R"({"target": 3})").rfind("reward.type: required", 0), size_t(0));
    QCOMPARE(error_of(R"({"type": "length"})"), std::string("reward.target: required: the length that scores 1"));
    QCOMPARE(error_of(R"({"type": "keywords", "include": ["two words"]})"),
             std::string("reward.include: \"two words\" is not one word"));
    QCOMPARE(error_of(R"({"type": "keywords"})").rfind("reward.include: name words", 0), size_t(0));
    QCOMPARE(error_of(R"({"type": "sum", "terms": [{"weight": 1, "reward": 3}]})"),
             std::string("reward.terms[0].reward: expected an object, got 3"));
    QCOMPARE(error_of(R"({"type": "sum", "terms": [{"reward": {"type": "ends_with"}}]})")
                 .rfind("reward.terms[0].reward.suffix", 0),
             size_t(0));
    QCOMPARE(error_of(R"({"type": "ends_with", "suffix": "?", "extra": 1})").rfind("reward.extra: unknown key", 0),
             size_t(0));
    QCOMPARE(error_of("[1]").rfind("reward: expected an object", 0), size_t(0));
  }
};

CRADLE_REGISTER_TEST(ProgrammaticRewardTest);

}  // namespace cradle::test

#include "programmatic_reward_test.moc"
