#include "core/text/jinja/jinja_parser.h"

namespace cradle::jinja {
namespace {

// Far deeper than any chat template, shallow enough that parsing and running
// a hostile one cannot exhaust the stack.
constexpr int kMaxNesting = 64;

// The tokens of one tag.
class ExpressionParser {
 public:
  ExpressionParser(std::vector<Token> tokens, int line) : tokens_(std::move(tokens)), line_(line) {}

  bool at_end() const { return peek().kind == Token::Kind::End; }
  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(position_ + ahead, tokens_.size() - 1)]; }
  bool is_name(const char* name, std::size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Name && peek(ahead).text == name;
  }
  bool is_operator(const char* op) const { return peek().kind == Token::Kind::Operator && peek().text == op; }
  bool accept_operator(const char* op) {
    if (!is_operator(op)) return false;
    ++position_;
    return true;
  }
  bool accept_name(const char* name) {
    if (!is_name(name)) return false;
    ++position_;
    return true;
  }
  void expect_operator(const char* op) {
    if (!accept_operator(op)) fail_at(line_, std::string("expected '") + op + "', found " + describe(peek()));
  }
  std::string expect_name() {
    if (peek().kind != Token::Kind::Name) fail_at(line_, "expected a name, found " + describe(peek()));
    return tokens_[position_++].text;
  }
  void expect_end() {
    if (!at_end()) fail_at(line_, "unexpected " + describe(peek()));
  }

  ExpressionPtr expression() {
    auto value = or_expression();
    if (!is_name("if")) return value;
    ++position_;
    auto conditional = std::make_unique<Conditional>(line_);
    conditional->then = std::move(value);
    conditional->condition = or_expression();
    if (accept_name("else")) conditional->otherwise = expression();
    return conditional;
  }
  // An expression without a trailing `if` (a for loop's iterable, before its filter).
  ExpressionPtr or_expression() {
    auto left = and_expression();
    while (accept_name("or")) left = std::make_unique<BinaryOperation>(line_, "or", std::move(left), and_expression());
    return left;
  }

 private:
  static std::string describe(const Token& t) {
    return t.kind == Token::Kind::End ? "the end of the tag" : "'" + t.text + "'";
  }

  ExpressionPtr and_expression() {
    auto left = not_expression();
    while (accept_name("and"))
      left = std::make_unique<BinaryOperation>(line_, "and", std::move(left), not_expression());
    return left;
  }
  ExpressionPtr not_expression() {
    if (accept_name("not")) return std::make_unique<UnaryOperation>(line_, "not", not_expression());
    return comparison();
  }
  ExpressionPtr comparison() {
    auto left = sum();
    for (;;) {
      std::string op;
      for (const char* candidate : {"==", "!=", "<=", ">=", "<", ">"})
        if (accept_operator(candidate)) op = candidate;
      if (op.empty() && accept_name("in")) op = "in";
      if (op.empty() && is_name("not") && is_name("in", 1)) {
        position_ += 2;
        op = "not in";
      }
      if (op.empty()) return left;
      left = std::make_unique<BinaryOperation>(line_, op, std::move(left), sum());
    }
  }
  ExpressionPtr sum() {
    auto left = concatenation();
    for (;;) {
      const char* op = accept_operator("+") ? "+" : accept_operator("-") ? "-" : nullptr;
      if (!op) return left;
      left = std::make_unique<BinaryOperation>(line_, op, std::move(left), concatenation());
    }
  }
  ExpressionPtr concatenation() {
    auto left = product();
    while (accept_operator("~")) left = std::make_unique<BinaryOperation>(line_, "~", std::move(left), product());
    return left;
  }
  ExpressionPtr product() {
    auto left = power();
    for (;;) {
      std::string op;
      for (const char* candidate : {"//", "*", "/", "%"})
        if (op.empty() && accept_operator(candidate)) op = candidate;
      if (op.empty()) return left;
      left = std::make_unique<BinaryOperation>(line_, op, std::move(left), power());
    }
  }
  ExpressionPtr power() {
    auto left = unary();
    while (accept_operator("**")) left = std::make_unique<BinaryOperation>(line_, "**", std::move(left), unary());
    return left;
  }
  // As Jinja: `-x | abs` is (-x) | abs.
  ExpressionPtr unary(bool with_filters = true) {
    ExpressionPtr value;
    if (accept_operator("-"))
      value = std::make_unique<UnaryOperation>(line_, "-", unary(false));
    else if (accept_operator("+"))
      value = std::make_unique<UnaryOperation>(line_, "+", unary(false));
    else
      value = postfix(primary());
    return with_filters ? filters_and_tests(std::move(value)) : std::move(value);
  }
  ExpressionPtr filters_and_tests(ExpressionPtr value) {
    for (;;) {
      if (accept_operator("|")) {
        auto filter = std::make_unique<FilterApplication>(line_);
        filter->input = std::move(value);
        filter->name = expect_name();
        if (accept_operator("(")) arguments(filter->arguments);
        value = std::move(filter);
      } else if (accept_name("is")) {
        auto test = std::make_unique<TestApplication>(line_);
        test->input = std::move(value);
        test->negated = accept_name("not");
        test->name = expect_name();
        if (accept_operator("(")) {
          arguments(test->arguments);
        } else if (peek().kind == Token::Kind::String || peek().kind == Token::Kind::Integer ||
                   peek().kind == Token::Kind::Float ||
                   (peek().kind == Token::Kind::Name && !is_name("and") && !is_name("or") && !is_name("else") &&
                    !is_name("if") && !is_name("in") && !is_name("not"))) {
          test->arguments.positional.push_back(postfix(primary()));  // `is sameas false`
        }
        value = std::move(test);
      } else {
        return value;
      }
    }
  }
  // After "(": positional and name=value arguments up to ")".
  void arguments(Arguments& into) {
    while (!accept_operator(")")) {
      if (peek().kind == Token::Kind::Name && peek(1).kind == Token::Kind::Operator && peek(1).text == "=") {
        std::string name = expect_name();
        ++position_;
        into.keywords.emplace_back(std::move(name), expression());
      } else {
        into.positional.push_back(expression());
      }
      if (!is_operator(")")) expect_operator(",");
    }
  }
  ExpressionPtr postfix(ExpressionPtr value) {
    for (;;) {
      if (accept_operator(".")) {
        value = std::make_unique<AttributeAccess>(line_, std::move(value), expect_name());
      } else if (accept_operator("[")) {
        auto subscript = std::make_unique<Subscript>(line_);
        subscript->object = std::move(value);
        if (!is_operator(":")) subscript->index = expression();
        if (accept_operator(":")) {
          subscript->slice = true;
          subscript->start = std::move(subscript->index);
          if (!is_operator("]") && !is_operator(":")) subscript->stop = expression();
          if (accept_operator(":") && !is_operator("]")) subscript->step = expression();
        }
        expect_operator("]");
        value = std::move(subscript);
      } else if (accept_operator("(")) {
        auto call = std::make_unique<Call>(line_);
        call->callee = std::move(value);
        arguments(call->arguments);
        value = std::move(call);
      } else {
        return value;
      }
    }
  }
  ExpressionPtr primary() {
    const Token token = peek();
    ++position_;
    if (token.kind == Token::Kind::Operator && (token.text == "(" || token.text == "[" || token.text == "{") &&
        ++depth_ > kMaxNesting)
      fail_at(line_, "brackets nest deeper than " + std::to_string(kMaxNesting));
    switch (token.kind) {
      case Token::Kind::String: {
        std::string text = token.text;
        while (peek().kind == Token::Kind::String) text += tokens_[position_++].text;  // "a" "b"
        return std::make_unique<Literal>(line_, Value::from(text));
      }
      case Token::Kind::Integer: return std::make_unique<Literal>(line_, Value::from(token.integer));
      case Token::Kind::Float: return std::make_unique<Literal>(line_, Value::from(token.real));
      case Token::Kind::Name:
        if (token.text == "true" || token.text == "True") return std::make_unique<Literal>(line_, Value::from(true));
        if (token.text == "false" || token.text == "False") return std::make_unique<Literal>(line_, Value::from(false));
        if (token.text == "none" || token.text == "None") return std::make_unique<Literal>(line_, Value::none());
        return std::make_unique<NameReference>(line_, token.text);
      case Token::Kind::Operator:
        if (token.text == "(") {
          auto inner = expression();
          if (accept_operator(",")) {  // a tuple: Cradle keeps it as a list
            auto tuple = std::make_unique<ListDisplay>(line_);
            tuple->items.push_back(std::move(inner));
            while (!is_operator(")")) {
              tuple->items.push_back(expression());
              if (!is_operator(")")) expect_operator(",");
            }
            inner = std::move(tuple);
          }
          expect_operator(")");
          return inner;
        }
        if (token.text == "[") {
          auto list = std::make_unique<ListDisplay>(line_);
          while (!accept_operator("]")) {
            list->items.push_back(expression());
            if (!is_operator("]")) expect_operator(",");
          }
          return list;
        }
        if (token.text == "{") {
          auto dict = std::make_unique<DictDisplay>(line_);
          while (!accept_operator("}")) {
            auto key = expression();
            expect_operator(":");
            dict->items.emplace_back(std::move(key), expression());
            if (!is_operator("}")) expect_operator(",");
          }
          return dict;
        }
        break;
      case Token::Kind::End: break;
    }
    --position_;
    fail_at(line_, "expected a value, found " + describe(token));
  }

  std::vector<Token> tokens_;
  std::size_t position_ = 0;
  int line_;
  int depth_ = 0;
};

// The statements of a template, tag by tag.
class TemplateParser {
 public:
  explicit TemplateParser(const std::vector<TemplatePiece>& pieces) : pieces_(pieces) {}

  Body parse_all() {
    std::string ended_by;
    Body body = parse_body({}, ended_by);
    return body;
  }

 private:
  // Statements up to one of `enders` (a block keyword such as "endif"), which is returned in `ended_by`.
  Body parse_body(const std::vector<std::string>& enders, std::string& ended_by) {
    struct Depth {
      int& value;
      explicit Depth(int& v) : value(++v) {}
      ~Depth() { --value; }
    } depth(block_depth_);
    if (block_depth_ > kMaxNesting)
      fail_at(next_ < pieces_.size() ? pieces_[next_].line : 1,
              "blocks nest deeper than " + std::to_string(kMaxNesting));
    Body body;
    while (next_ < pieces_.size()) {
      const TemplatePiece& piece = pieces_[next_++];
      if (piece.kind == TemplatePiece::Kind::Text) {
        body.push_back(std::make_unique<TextOutput>(piece.line, piece.text));
        continue;
      }
      ExpressionParser tag(tokenize_tag(piece.text, piece.line), piece.line);
      if (piece.kind == TemplatePiece::Kind::Expression) {
        body.push_back(std::make_unique<ExpressionOutput>(piece.line, tag.expression()));
        tag.expect_end();
        continue;
      }
      const std::string keyword = tag.expect_name();
      for (const auto& ender : enders)
        if (keyword == ender) {
          ended_by = keyword;
          current_tag_ = std::make_unique<ExpressionParser>(std::move(tag));
          return body;
        }
      body.push_back(statement(keyword, tag, piece.line));
    }
    if (!enders.empty())
      fail_at(pieces_.empty() ? 1 : pieces_.back().line, "a block is never closed with " + enders.back());
    return body;
  }

  StatementPtr statement(const std::string& keyword, ExpressionParser& tag, int line) {
    if (keyword == "if") return if_statement(tag, line);
    if (keyword == "for") return for_statement(tag, line);
    if (keyword == "set") return set_statement(tag, line);
    if (keyword == "break" || keyword == "continue") {
      tag.expect_end();
      if (loop_depth_ == 0) fail_at(line, keyword + " outside a for loop");
      return std::make_unique<LoopControl>(line, keyword == "break");
    }
    if (keyword == "generation") {
      tag.expect_end();
      auto block = std::make_unique<BodyStatement>(line);
      std::string ended_by;
      block->body = parse_body({"endgeneration"}, ended_by);
      return block;
    }
    fail_at(line, "the statement \"" + keyword + "\" is not read by Cradle's chat templates");
  }

  StatementPtr if_statement(ExpressionParser& tag, int line) {
    auto statement = std::make_unique<IfStatement>(line);
    ExpressionPtr condition = tag.expression();
    tag.expect_end();
    for (;;) {
      std::string ended_by;
      Body body = parse_body({"elif", "else", "endif"}, ended_by);
      statement->branches.emplace_back(std::move(condition), std::move(body));
      if (ended_by == "elif") {
        condition = current_tag_->expression();
        current_tag_->expect_end();
        continue;
      }
      current_tag_->expect_end();
      if (ended_by == "else") {
        statement->otherwise = parse_body({"endif"}, ended_by);
        current_tag_->expect_end();
      }
      return statement;
    }
  }

  StatementPtr for_statement(ExpressionParser& tag, int line) {
    auto statement = std::make_unique<ForStatement>(line);
    do statement->targets.push_back(tag.expect_name());
    while (tag.accept_operator(","));
    if (!tag.accept_name("in")) fail_at(line, "expected 'in' in the for loop");
    statement->iterable = tag.or_expression();
    if (tag.accept_name("if")) statement->filter = tag.or_expression();
    tag.expect_end();
    std::string ended_by;
    ++loop_depth_;
    statement->body = parse_body({"else", "endfor"}, ended_by);
    --loop_depth_;
    current_tag_->expect_end();
    if (ended_by == "else") {
      statement->otherwise = parse_body({"endfor"}, ended_by);
      current_tag_->expect_end();
    }
    return statement;
  }

  StatementPtr set_statement(ExpressionParser& tag, int line) {
    std::vector<std::string> targets;
    std::string attribute;
    do targets.push_back(tag.expect_name());
    while (tag.accept_operator(","));
    if (targets.size() == 1 && tag.accept_operator(".")) attribute = tag.expect_name();
    if (tag.at_end() && attribute.empty() && targets.size() == 1) {
      auto block = std::make_unique<SetBlockStatement>(line);
      block->target = targets[0];
      std::string ended_by;
      block->body = parse_body({"endset"}, ended_by);
      return block;
    }
    tag.expect_operator("=");
    auto statement = std::make_unique<SetStatement>(line);
    statement->targets = std::move(targets);
    statement->attribute = std::move(attribute);
    statement->value = tag.expression();
    tag.expect_end();
    return statement;
  }

  const std::vector<TemplatePiece>& pieces_;
  std::size_t next_ = 0;
  int block_depth_ = 0;
  int loop_depth_ = 0;                             // break and continue belong inside a for body
  std::unique_ptr<ExpressionParser> current_tag_;  // the tag that ended the last body
};

}  // namespace

Body parse_template(const std::vector<TemplatePiece>& pieces) { return TemplateParser(pieces).parse_all(); }

}  // namespace cradle::jinja
