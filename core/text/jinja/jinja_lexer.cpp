#include "core/text/jinja/jinja_lexer.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/common/error.h"

namespace cradle::jinja {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_white(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

int line_at(const std::string& source, std::size_t offset) {
  return 1 + static_cast<int>(std::count(source.begin(), source.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Where the tag opened at `open` closes (the first character of its closer), skipping quoted strings.
std::size_t find_closer(const std::string& source, std::size_t open, char kind) {
  const char closer = kind == '{' ? '}' : kind;
  char quote = 0;
  for (std::size_t i = open + 2; i + 1 < source.size(); ++i) {
    const char c = source[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if ((c == '\'' || c == '"') && kind != '#')
      quote = c;
    else if (c == closer && source[i + 1] == '}')
      return i;
  }
  return std::string::npos;
}

}  // namespace

std::vector<TemplatePiece> split_template(const std::string& raw) {
  const std::string source = !raw.empty() && raw.back() == '\n' ? raw.substr(0, raw.size() - 1) : raw;
  std::vector<TemplatePiece> pieces;
  bool strip_next = false, trim_newline_next = false;
  std::size_t position = 0;
  while (position <= source.size()) {
    std::size_t open = position;
    while ((open = source.find('{', open)) != std::string::npos && open + 1 < source.size() &&
           source[open + 1] != '{' && source[open + 1] != '%' && source[open + 1] != '#')
      ++open;
    if (open != std::string::npos && open + 1 >= source.size()) open = std::string::npos;
    const std::size_t text_end_raw = open == std::string::npos ? source.size() : open;
    const char kind = open == std::string::npos ? 0 : source[open + 1];
    const bool block = kind == '%' || kind == '#';
    const char modifier = open == std::string::npos || open + 2 >= source.size() ? 0 : source[open + 2];

    std::size_t begin = position, end = text_end_raw;
    if (modifier == '-') {
      while (end > begin && is_white(source[end - 1])) --end;
    } else if (block && modifier != '+') {  // lstrip_blocks: only when the tag starts its line
      std::size_t k = end;
      while (k > begin && is_blank(source[k - 1])) --k;
      if (k == 0 || source[k - 1] == '\n') end = k;
    }
    if (strip_next) {
      while (begin < end && is_white(source[begin])) ++begin;
    } else if (trim_newline_next && begin < end) {
      if (source[begin] == '\n')
        ++begin;
      else if (source.compare(begin, 2, "\r\n") == 0)
        begin += 2;
    }
    if (end > begin)
      pieces.push_back({TemplatePiece::Kind::Text, source.substr(begin, end - begin), line_at(source, begin)});
    if (open == std::string::npos) break;

    const std::size_t close = find_closer(source, open, kind);
    if (close == std::string::npos)
      throw ConfigError("line " + std::to_string(line_at(source, open)) + ": the tag opened here is never closed");
    std::size_t inside_begin = open + 2, inside_end = close;
    if (modifier == '-' || modifier == '+') ++inside_begin;
    const char end_modifier = inside_end > inside_begin ? source[inside_end - 1] : 0;
    if (end_modifier == '-' || end_modifier == '+') --inside_end;
    strip_next = end_modifier == '-';
    trim_newline_next = block && end_modifier != '+';
    if (kind != '#')
      pieces.push_back({kind == '{' ? TemplatePiece::Kind::Expression : TemplatePiece::Kind::Statement,
                        source.substr(inside_begin, inside_end - inside_begin), line_at(source, open)});
    position = close + 2;
  }
  return pieces;
}

std::vector<Token> tokenize_tag(const std::string& s, int line) {
  std::vector<Token> tokens;
  const auto fail = [&](const std::string& what) { throw ConfigError("line " + std::to_string(line) + ": " + what); };
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (is_white(c)) {
      ++i;
      continue;
    }
    Token token;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      token.kind = Token::Kind::Name;
      token.text = s.substr(i, j - i);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      const bool fraction = j + 1 < s.size() && s[j] == '.' && std::isdigit(static_cast<unsigned char>(s[j + 1]));
      if (fraction) {
        ++j;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      }
      std::string digits = s.substr(i, j - i);
      digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
      token.kind = fraction ? Token::Kind::Float : Token::Kind::Integer;
      try {
        if (fraction)
          token.real = std::stod(digits);
        else
          token.integer = std::stoll(digits);
      } catch (const std::out_of_range&) {
        fail("the number " + digits + " is too large");
      }
      token.text = digits;
      i = j;
    } else if (c == '\'' || c == '"') {
      std::string value;
      std::size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (s[j] != '\\' || j + 1 == s.size()) {
          value += s[j];
          continue;
        }
        const char e = s[++j];
        value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
      }
      if (j >= s.size()) fail("a string is never closed");
      token.kind = Token::Kind::String;
      token.text = std::move(value);
      i = j + 1;
    } else {
      static const char* const two[] = {"//", "**", "==", "!=", "<=", ">="};
      token.kind = Token::Kind::Operator;
      for (const char* op : two)
        if (s.compare(i, 2, op) == 0) token.text = op;
      if (token.text.empty()) {
        if (std::string("+-*/%~<>()[]{},.:|=").find(c) == std::string::npos)
          fail(std::string("unexpected character '") + c + "'");
        token.text = std::string(1, c);
      }
      i += token.text.size();
    }
    tokens.push_back(std::move(token));
  }
  tokens.push_back(Token{});
  return tokens;
}

}  // namespace cradle::jinja
