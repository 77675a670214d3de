#pragma once
// Parsing a template's pieces (jinja_lexer.h) into statements and expressions
// (jinja_nodes.h), with Jinja's precedence: `if`-`else` < or < and < not <
// comparisons, in, not in < + - < ~ < * / // % < ** < unary - < filters
// (`|`) and tests (`is`) < attribute, subscript and call. Statements: if /
// elif / else, for (with unpacking, a filter and else), set (names,
// namespace attributes, blocks), break, continue, and Hugging Face's
// generation blocks. Anything else is a ConfigError naming the line.
#include <string>
#include <vector>

#include "core/text/jinja/jinja_lexer.h"
#include "core/text/jinja/jinja_nodes.h"

namespace cradle::jinja {

Body parse_template(const std::vector<TemplatePiece>& pieces);

}  // namespace cradle::jinja
