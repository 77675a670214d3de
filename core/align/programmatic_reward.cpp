#include "core/align/programmatic_reward.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "core/common/error.h"

namespace cradle {
namespace {

// A small general-purpose lexicon: enough to steer a tiny model's tone.
const std::vector<std::string> kPositive = {
    "good",  "great",  "happy",   "joy",       "love",   "luck",      "lucky",   "success", "win",  "wonderful",
    "kind",  "bright", "best",    "beautiful", "friend", "friends",   "peace",   "hope",    "glad", "wise",
    "rich",  "smile",  "fortune", "fun",       "nice",   "excellent", "delight", "warm",    "gift", "calm",
    "brave", "free",   "trust",   "better",    "laugh",  "true",      "well"};
const std::vector<std::string> kNegative = {
    "bad",   "sad",   "hate",  "fail",    "failure", "lose",    "loss",   "poor",    "never",
    "wrong", "pain",  "fear",  "angry",   "worst",   "ugly",    "enemy",  "war",     "death",
    "die",   "dead",  "sorry", "trouble", "cold",    "cry",     "lonely", "dark",    "worse",
    "lie",   "cruel", "sick",  "broken",  "boring",  "nothing", "no",     "problem", "danger"};

bool word_byte(unsigned char c) { return std::isalnum(c) || c == '\'' || c >= 0x80; }

std::set<std::string> word_set(std::string_view text, bool case_sensitive) {
  const auto words = reward_words(text, case_sensitive);
  return {words.begin(), words.end()};
}

class LengthReward : public RewardFunction {
 public:
  LengthReward(double target, double tolerance, std::string unit)
      : target_(target), tolerance_(tolerance), unit_(std::move(unit)) {}
  double score(std::string_view, std::string_view response) const override {
    const double n = unit_ == "words"
                         ? static_cast<double>(reward_words(response).size())
                         : static_cast<double>(std::count_if(response.begin(), response.end(), [](char c) {
                             return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // characters, not bytes
                           }));
    return std::max(0.0, 1.0 - std::abs(n - target_) / tolerance_);
  }
  Json to_json() const override {
    return {{"type", "length"}, {"target", target_}, {"tolerance", tolerance_}, {"unit", unit_}};
  }

 private:
  double target_, tolerance_;
  std::string unit_;
};

class KeywordReward : public RewardFunction {
 public:
  KeywordReward(std::vector<std::string> include, std::vector<std::string> avoid, bool case_sensitive)
      : include_(std::move(include)), avoid_(std::move(avoid)), case_sensitive_(case_sensitive) {}
  double score(std::string_view, std::string_view response) const override {
    const auto words = word_set(response, case_sensitive_);
    const auto share = [&](const std::vector<std::string>& keywords) {
      if (keywords.empty()) return 0.0;
      double hits = 0;
      for (const auto& k : keywords) hits += words.count(case_sensitive_ ? k : lower(k)) ? 1 : 0;
      return hits / static_cast<double>(keywords.size());
    };
    return share(include_) - share(avoid_);
  }
  Json to_json() const override {
    return {{"type", "keywords"}, {"include", include_}, {"avoid", avoid_}, {"case_sensitive", case_sensitive_}};
  }

 private:
  static std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
  std::vector<std::string> include_, avoid_;
  bool case_sensitive_;
};

class SentimentReward : public RewardFunction {
 public:
  SentimentReward(std::vector<std::string> positive, std::vector<std::string> negative, bool builtin)
      : positive_(positive.begin(), positive.end()), negative_(negative.begin(), negative.end()), builtin_(builtin) {}
  double score(std::string_view, std::string_view response) const override {
    double positive = 0, negative = 0;
    for (const auto& w : reward_words(response)) {
      positive += positive_.count(w) ? 1 : 0;
      negative += negative_.count(w) ? 1 : 0;
    }
    return positive + negative > 0 ? (positive - negative) / (positive + negative) : 0.0;
  }
  Json to_json() const override {
    if (builtin_) return {{"type", "sentiment"}};
    return {{"type", "sentiment"},
            {"positive", std::vector<std::string>(positive_.begin(), positive_.end())},
            {"negative", std::vector<std::string>(negative_.begin(), negative_.end())}};
  }

 private:
  std::set<std::string> positive_, negative_;
  bool builtin_;
};

class EndsWithReward : public RewardFunction {
 public:
  explicit EndsWithReward(std::string suffix) : suffix_(std::move(suffix)) {}
  double score(std::string_view, std::string_view response) const override {
    while (!response.empty() && std::isspace(static_cast<unsigned char>(response.back()))) response.remove_suffix(1);
    return response.size() >= suffix_.size() && response.substr(response.size() - suffix_.size()) == suffix_ ? 1.0
                                                                                                             : 0.0;
  }
  Json to_json() const override { return {{"type", "ends_with"}, {"suffix", suffix_}}; }

 private:
  std::string suffix_;
};

class SumReward : public RewardFunction {
 public:
  void add(double weight, std::unique_ptr<RewardFunction> reward) { terms_.emplace_back(weight, std::move(reward)); }
  double score(std::string_view prompt, std::string_view response) const override {
    double total = 0;
    for (const auto& [weight, reward] : terms_) total += weight * reward->score(prompt, response);
    return total;
  }
  Json to_json() const override {
    Json terms = Json::array();
    for (const auto& [weight, reward] : terms_) terms.push_back({{"weight", weight}, {"reward", reward->to_json()}});
    return {{"type", "sum"}, {"terms", terms}};
  }

 private:
  std::vector<std::pair<double, std::unique_ptr<RewardFunction>>> terms_;
};

std::vector<std::string> lower_all(std::vector<std::string> words) {
  for (auto& w : words)
    for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return words;
}

std::unique_ptr<RewardFunction> parse(JsonObjectReader r, int depth) {
  if (!r.has("type")) r.fail("type", "required: one of length, keywords, sentiment, ends_with, sum");
  const std::string type = r.choice("type", "", {"length", "keywords", "sentiment", "ends_with", "sum"});
  std::unique_ptr<RewardFunction> reward;
  if (type == "length") {
    if (!r.has("target")) r.fail("target", "required: the length that scores 1");
    const double target = r.number("target", 0, Range::at_least(0));
    const double tolerance = r.number("tolerance", std::max(1.0, target / 2), Range::greater_than(0));
    reward = std::make_unique<LengthReward>(target, tolerance, r.choice("unit", "words", {"words", "characters"}));
  } else if (type == "keywords") {
    const bool case_sensitive = r.boolean("case_sensitive", false);
    auto include = r.strings("include", {}), avoid = r.strings("avoid", {});
    if (include.empty() && avoid.empty()) r.fail("include", "name words to include, to avoid, or both");
    for (const auto* list : {&include, &avoid})
      for (const auto& word : *list)
        if (reward_words(word, true).size() != 1)
          r.fail(list == &include ? "include" : "avoid", "\"" + word + "\" is not one word");
    if (!case_sensitive) include = lower_all(include), avoid = lower_all(avoid);
    reward = std::make_unique<KeywordReward>(include, avoid, case_sensitive);
  } else if (type == "sentiment") {
    const bool builtin = !r.has("positive") && !r.has("negative");
    auto positive = lower_all(r.strings("positive", kPositive)), negative = lower_all(r.strings("negative", kNegative));
    if (positive.empty() && negative.empty()) r.fail("positive", "the lexicon is empty");
    reward = std::make_unique<SentimentReward>(positive, negative, builtin);
  } else if (type == "ends_with") {
    const std::string suffix = r.required_string("suffix");
    if (suffix.empty()) r.fail("suffix", "must not be empty");
    reward = std::make_unique<EndsWithReward>(suffix);
  } else {
    if (depth >= 8) r.fail("terms", "rewards nest more than 8 deep");
    auto sum = std::make_unique<SumReward>();
    auto terms = r.objects("terms");
    if (terms.empty()) r.fail("terms", "required: a list of {\"weight\", \"reward\"} objects");
    for (auto& term : terms) {
      const double weight = term.number("weight", 1.0);
      if (!term.has("reward")) term.fail("reward", "required");
      const Json* inner = term.raw("reward");
      if (!inner->is_object()) term.fail("reward", "expected an object, got " + describe_json_value(*inner));
      sum->add(weight, parse(JsonObjectReader(*inner, term.path_of("reward")), depth + 1));
      term.finish();
    }
    reward = std::move(sum);
  }
  r.finish();
  return reward;
}

}  // namespace

std::vector<std::string> reward_words(std::string_view text, bool case_sensitive) {
  std::vector<std::string> words;
  std::string current;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (word_byte(u)) {
      current += case_sensitive ? c : static_cast<char>(std::tolower(u));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

std::unique_ptr<RewardFunction> parse_reward_function(const Json& description, const std::string& path) {
  if (!description.is_object())
    throw ConfigError(path + ": expected an object such as {\"type\": \"sentiment\"}, got " +
                      describe_json_value(description));
  return parse(JsonObjectReader(description, path), 0);
}

}  // namespace cradle
