#include "core/text/text_cleaning.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_map>

#include "core/common/error.h"

namespace cradle {
namespace {

// Calls visit(code_point, begin, end) for each code point; invalid bytes
// arrive as U+FFFD so a caller never loops on them.
template <typename Visit>
void for_each_code_point(std::string_view text, Visit visit) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t i = 0;
  while (i < length) {
    const std::int32_t begin = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) c = 0xFFFD;
    visit(c, static_cast<std::size_t>(begin), static_cast<std::size_t>(i));
  }
}

void append_code_point(std::string& out, UChar32 c) {
  char buffer[4];
  std::int32_t length = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<std::uint8_t*>(buffer), length, 4, c, error);
  if (!error) out.append(buffer, static_cast<std::size_t>(length));
}

bool starts_with_ci(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  return true;
}

// Decodes the entity starting at text[at] == '&'; returns the bytes consumed
// (0 when it is not an entity, which then stays as written).
std::size_t decode_entity(std::string_view text, std::size_t at, std::string& out) {
  static const std::unordered_map<std::string_view, UChar32> named = {
      {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},    {"nbsp", 0xA0},
      {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013},
      {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},  {"laquo", 0xAB},   {"raquo", 0xBB},
      {"middot", 0xB7},  {"bull", 0x2022},  {"euro", 0x20AC},  {"pound", 0xA3},    {"yen", 0xA5},     {"cent", 0xA2},
      {"deg", 0xB0},     {"times", 0xD7},   {"divide", 0xF7},  {"para", 0xB6},     {"sect", 0xA7},    {"shy", 0xAD}};
  const std::size_t semicolon = text.find(';', at + 1);
  if (semicolon == std::string_view::npos || semicolon - at > 12) return 0;
  const std::string_view name = text.substr(at + 1, semicolon - at - 1);
  UChar32 c = -1;
  if (name.size() > 1 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    std::uint32_t value = 0;
    for (char d : digits) {
      const int v = std::isdigit(static_cast<unsigned char>(d))           ? d - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(d)) ? std::tolower(d) - 'a' + 10
                                                                          : -1;
      if (v < 0 || value > 0x10FFFF) return 0;
      value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
    }
    c = value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) || value == 0 ? 0xFFFD : static_cast<UChar32>(value);
  } else if (const auto found = named.find(name); found != named.end()) {
    c = found->second;
  } else {
    return 0;
  }
  append_code_point(out, c);
  return semicolon - at + 1;
}

}  // namespace

std::string strip_html(std::string_view text) {
  static const char* const block_tags[] = {"br", "p",  "div", "li", "h1",         "h2", "h3",
                                           "h4", "h5", "h6",  "tr", "blockquote", "hr", "pre"};
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '<') {
      if (text.compare(i, 4, "<!--") == 0) {
        const std::size_t end = text.find("-->", i + 4);
        i = end == std::string_view::npos ? text.size() : end + 3;
        continue;
      }
      // A '<' not followed by a tag name, '/' or '!' is text ("a < b").
      const bool tag_like = i + 1 < text.size() && (std::isalpha(static_cast<unsigned char>(text[i + 1])) ||
                                                    text[i + 1] == '/' || text[i + 1] == '!');
      const std::size_t close = text.find('>', i + 1);
      if (!tag_like || close == std::string_view::npos) {
        out += c;
        ++i;
        continue;
      }
      for (const char* raw : {"script", "style"}) {
        if (starts_with_ci(text, i + 1, raw)) {
          const std::string end_tag = std::string("</") + raw;
          std::size_t end = i + 1;
          while ((end = text.find("</", end)) != std::string_view::npos && !starts_with_ci(text, end, end_tag))
            end += 2;
          const std::size_t gt = end == std::string_view::npos ? std::string_view::npos : text.find('>', end);
          i = gt == std::string_view::npos ? text.size() : gt;  // the closing '>' is consumed below
          break;
        }
      }
      if (i >= text.size()) break;
      if (text[i] == '<') {
        // <br> is a line break; block elements start on a line of their own.
        const std::size_t name_at = i + 1 + (text[i + 1] == '/' ? 1 : 0);
        for (const char* tag : block_tags) {
          const std::size_t n = std::strlen(tag);
          if (!starts_with_ci(text, name_at, tag) || name_at + n >= text.size() ||
              std::isalnum(static_cast<unsigned char>(text[name_at + n])))
            continue;
          if (std::strcmp(tag, "br") == 0 || (!out.empty() && out.back() != '\n')) out += '\n';
          break;
        }
        i = close + 1;
      } else {
        ++i;  // past the '>' of a dropped script or style block
      }
      continue;
    }
    if (c == '&') {
      if (const std::size_t used = decode_entity(text, i, out)) {
        i += used;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

std::string normalize_unicode(std::string_view text, UnicodeForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer =
      form == UnicodeForm::NFKC ? icu::Normalizer2::getNFKCInstance(status) : icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw Error(std::string("ICU normaliser unavailable: ") + u_errorName(status));
  const icu::UnicodeString source =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
  icu::UnicodeString normalized = normalizer->normalize(source, status);
  if (U_FAILURE(status)) throw Error(std::string("Unicode normalisation failed: ") + u_errorName(status));
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

std::string remove_control_characters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1B) {  // ESC: skip the whole escape sequence
      ++i;
      if (i < text.size() && text[i] == '[') {  // CSI: parameters, intermediates, one final byte @..~
        ++i;
        while (i < text.size() &&
               (static_cast<unsigned char>(text[i]) < 0x40 || static_cast<unsigned char>(text[i]) > 0x7E))
          ++i;
        if (i < text.size()) ++i;
      } else if (i < text.size() && text[i] == ']') {  // OSC: up to BEL or ESC '\'
        while (i < text.size() && text[i] != '\a' && !(text[i] == 0x1B && i + 1 < text.size() && text[i + 1] == '\\'))
          ++i;
        i += i < text.size() && text[i] == '\a' ? 1 : 2;
      } else if (i < text.size()) {
        ++i;  // two-byte escape (ESC c, ESC ( B, ...)
        if (i < text.size() && (text[i - 1] == '(' || text[i - 1] == ')')) ++i;
      }
      continue;
    }
    if (c == '\b') {
      // Overstrike: "_\bX" and "X\bX" print X, "X\b_" prints X.
      if (i + 1 < text.size() && text[i + 1] == '_') {
        i += 2;
      } else if (!out.empty()) {
        std::size_t start = out.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(out[start]) & 0xC0) == 0x80) --start;
        out.erase(start);
        ++i;
      } else {
        ++i;
      }
      continue;
    }
    if (c < 0x20 && c != '\n' && c != '\t') {
      ++i;
      continue;
    }
    if (c == 0x7F) {
      ++i;
      continue;
    }
    // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F &&
        static_cast<unsigned char>(text[i + 1]) >= 0x80) {
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
    ++i;
  }
  return out;
}

std::string remove_symbols(std::string_view text, const SymbolClasses& classes) {
  std::string out;
  out.reserve(text.size());
  bool after_emoji = false;  // joiners, variation selectors and skin tones go with the emoji they follow
  for_each_code_point(text, [&](UChar32 c, std::size_t begin, std::size_t end) {
    bool remove = false;
    const bool pictograph =
        u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR);
    const bool emoji_part = c == 0x200D || c == 0xFE0F || c == 0x20E3 || u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER);
    if (classes.emoji && (pictograph || (after_emoji && emoji_part))) {
      remove = true;
    } else {
      const auto category = static_cast<UCharCategory>(u_charType(c));
      switch (category) {
        case U_DASH_PUNCTUATION:
        case U_START_PUNCTUATION:
        case U_END_PUNCTUATION:
        case U_CONNECTOR_PUNCTUATION:
        case U_OTHER_PUNCTUATION:
        case U_INITIAL_PUNCTUATION:
        case U_FINAL_PUNCTUATION: remove = classes.punctuation; break;
        case U_DECIMAL_DIGIT_NUMBER: remove = classes.digits; break;
        case U_MATH_SYMBOL:
        case U_CURRENCY_SYMBOL:
        case U_MODIFIER_SYMBOL:
        case U_OTHER_SYMBOL: remove = classes.symbols && !pictograph; break;
        default: break;
      }
    }
    after_emoji = (pictograph || (after_emoji && emoji_part)) && remove;
    if (!remove) out.append(text.substr(begin, end - begin));
  });
  return out;
}

std::string collapse_whitespace(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  int pending_newlines = 0;
  for_each_code_point(text, [&](UChar32 c, std::size_t begin, std::size_t end) {
    if (c == '\n' || c == 0x2028 || c == 0x2029) {
      if (keep_newlines) {
        ++pending_newlines;
        pending_space = false;  // trailing spaces of a line go
      } else {
        pending_space = true;
      }
      return;
    }
    if (u_isUWhiteSpace(c)) {
      pending_space = true;
      return;
    }
    if (!out.empty()) {
      if (pending_newlines > 0)
        out.append(pending_newlines > 1 ? "\n\n" : "\n");
      else if (pending_space)
        out += ' ';
    }
    pending_space = false;
    pending_newlines = 0;
    out.append(text.substr(begin, end - begin));
  });
  return out;
}

std::string to_lower_case(std::string_view text) {
  icu::UnicodeString value =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
  value.toLower(icu::Locale::getRoot());
  std::string out;
  value.toUTF8String(out);
  return out;
}

std::int64_t count_code_points(std::string_view text) {
  std::int64_t count = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

}  // namespace cradle
