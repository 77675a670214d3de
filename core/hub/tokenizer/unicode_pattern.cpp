#include "core/hub/tokenizer/unicode_pattern.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <utility>

#include "core/common/error.h"

namespace cradle {
namespace {

// Oniguruma's `\s` and `\S` in ICU's words (see the header); other escapes,
// an escaped backslash included, are copied as they are.
std::string with_unicode_white_space(const std::string& pattern) {
  std::string out;
  out.reserve(pattern.size() + 32);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '\\' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    const char escaped = pattern[++i];
    if (escaped == 's')
      out += "\\p{White_Space}";
    else if (escaped == 'S')
      out += "\\P{White_Space}";
    else
      (out += '\\') += escaped;
  }
  return out;
}

// ICU's budget for one search, in its match-engine steps (each on the order of
// a millisecond): far beyond what a tokenizer's word pattern takes on any text,
// so a pattern that backtracks without end fails instead of hanging.
constexpr std::int32_t kSearchStepLimit = 2000;

std::string search_failure(const char* doing, UErrorCode status) {
  if (status == U_REGEX_TIME_OUT)
    return std::string(doing) + " text: a tokenizer pattern backtracked past ICU's step limit on it";
  return std::string(doing) + " text failed: " + u_errorName(status);
}

icu::UnicodeString unicode_of(std::string_view text) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
}

std::string utf8_of(const icu::UnicodeString& text, std::int32_t begin, std::int32_t end) {
  std::string out;
  text.tempSubStringBetween(begin, end).toUTF8String(out);
  return out;
}

}  // namespace

struct UnicodePattern::Compiled {
  std::unique_ptr<icu::RegexPattern> pattern;
};

UnicodePattern::UnicodePattern(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
UnicodePattern::~UnicodePattern() = default;
UnicodePattern::UnicodePattern(UnicodePattern&&) noexcept = default;
UnicodePattern& UnicodePattern::operator=(UnicodePattern&&) noexcept = default;

UnicodePattern UnicodePattern::regex(const std::string& pattern, const std::string& where) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError position{};
  std::unique_ptr<icu::RegexPattern> compiled(
      icu::RegexPattern::compile(unicode_of(with_unicode_white_space(pattern)), 0, position, status));
  if (U_FAILURE(status))
    throw ConfigError(where + ": the regular expression \"" + pattern + "\" does not compile (" + u_errorName(status) +
                      " at character " + std::to_string(position.offset) + ")");
  return UnicodePattern(std::make_unique<Compiled>(Compiled{std::move(compiled)}));
}

UnicodePattern UnicodePattern::literal(const std::string& text, const std::string& where) {
  if (text.empty()) throw ConfigError(where + ": the pattern to split on or replace is empty");
  UErrorCode status = U_ZERO_ERROR;
  UParseError position{};
  std::unique_ptr<icu::RegexPattern> compiled(
      icu::RegexPattern::compile(unicode_of(text), UREGEX_LITERAL, position, status));
  if (U_FAILURE(status)) throw ConfigError(where + ": the pattern \"" + text + "\" is not usable");
  return UnicodePattern(std::make_unique<Compiled>(Compiled{std::move(compiled)}));
}

std::vector<std::string> UnicodePattern::split(std::string_view text, SplitBehaviour behaviour) const {
  const icu::UnicodeString unicode = unicode_of(text);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> matcher(compiled_->pattern->matcher(unicode, status));
  if (U_SUCCESS(status)) matcher->setTimeLimit(kSearchStepLimit, status);
  // Cut the text into alternating gaps and matches, then glue as the behaviour says.
  struct Span {
    std::int32_t begin, end;
    bool matched;
  };
  std::vector<Span> spans;
  std::int32_t done = 0;
  while (U_SUCCESS(status) && matcher->find(status)) {
    const std::int32_t begin = matcher->start(status), end = matcher->end(status);
    if (begin == end) continue;
    if (begin > done) spans.push_back({done, begin, false});
    spans.push_back({begin, end, true});
    done = end;
  }
  if (U_FAILURE(status)) throw DataError(search_failure("splitting", status));
  if (done < unicode.length()) spans.push_back({done, unicode.length(), false});

  std::vector<std::string> pieces;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    Span span = spans[i];
    if (span.matched && behaviour == SplitBehaviour::Removed) continue;
    if (span.matched && behaviour == SplitBehaviour::MergedWithNext && i + 1 < spans.size() && !spans[i + 1].matched)
      span.end = spans[++i].end;
    else if (!span.matched && behaviour == SplitBehaviour::MergedWithPrevious && i + 1 < spans.size())
      span.end = spans[++i].end;
    pieces.push_back(utf8_of(unicode, span.begin, span.end));
  }
  return pieces;
}

std::string UnicodePattern::replace_all(std::string_view text, const std::string& replacement) const {
  const icu::UnicodeString unicode = unicode_of(text);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> matcher(compiled_->pattern->matcher(unicode, status));
  if (U_SUCCESS(status)) matcher->setTimeLimit(kSearchStepLimit, status);
  icu::UnicodeString out;
  std::int32_t done = 0;
  while (U_SUCCESS(status) && matcher->find(status)) {
    const std::int32_t begin = matcher->start(status), end = matcher->end(status);
    if (begin == end) continue;
    out.append(unicode, done, begin - done).append(unicode_of(replacement));
    done = end;
  }
  if (U_FAILURE(status)) throw DataError(search_failure("replacing", status));
  out.append(unicode, done, unicode.length() - done);
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

}  // namespace cradle
