#pragma once
// Cutting a Jinja template into text, `{{ expression }}` and `{% statement %}`
// pieces as Hugging Face renders chat templates: trim_blocks (the newline
// after a block tag goes), lstrip_blocks (spaces before a block tag at the
// start of a line go), `-` inside a tag strips the white space on its side,
// comments vanish, one trailing newline of the template is dropped. Then the
// inside of a tag is cut into tokens.
#include <cstdint>
#include <string>
#include <vector>

namespace cradle::jinja {

struct TemplatePiece {
  enum class Kind { Text, Expression, Statement };
  Kind kind = Kind::Text;
  std::string text;  // the text, or the tag's inside without delimiters and `-`/`+`
  int line = 1;      // where it starts in the template
};

// ConfigError naming the line for an unclosed tag.
std::vector<TemplatePiece> split_template(const std::string& source);

struct Token {
  enum class Kind { Name, String, Integer, Float, Operator, End };
  Kind kind = Kind::End;
  std::string text;  // the name, operator, or the string's value
  std::int64_t integer = 0;
  double real = 0;
};

// ConfigError naming `line` for a character no token starts with or an unclosed string.
std::vector<Token> tokenize_tag(const std::string& inside, int line);

}  // namespace cradle::jinja
