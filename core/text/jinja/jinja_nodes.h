#pragma once
// The parsed template: expressions that evaluate to values and statements
// that write output, each node one small class that knows how to run itself
// (the interpreter pattern), so a new construct is one new node and one place
// in the parser (jinja_parser.cpp).
#include <memory>
#include <string>
#include <vector>

#include "core/text/jinja/jinja_value.h"

namespace cradle::jinja {

// Variables in scopes: the render's globals, then one scope per `for` body
// (Jinja's: a `set` inside a loop does not leak out of it, hence namespaces).
class Scopes {
 public:
  explicit Scopes(ValueDict globals) { scopes_.push_back(std::move(globals)); }
  Value lookup(const std::string& name) const;
  void assign(const std::string& name, Value value);
  void push() { scopes_.emplace_back(); }
  void pop() { scopes_.pop_back(); }
  // Counts one loop iteration; ConfigError past kMaxIterations, so a hostile
  // template cannot run for ever.
  void count_iteration(int line);
  static constexpr std::int64_t kMaxIterations = 1000000;

 private:
  std::vector<ValueDict> scopes_;
  std::int64_t iterations_ = 0;
};

// ConfigError "line N: what".
[[noreturn]] void fail_at(int line, const std::string& what);

struct Expression {
  explicit Expression(int l) : line(l) {}
  virtual ~Expression() = default;
  virtual Value evaluate(Scopes& scopes) const = 0;
  int line;
};
using ExpressionPtr = std::unique_ptr<Expression>;

struct Statement {
  explicit Statement(int l) : line(l) {}
  virtual ~Statement() = default;
  virtual void run(Scopes& scopes, std::string& out) const = 0;
  int line;
};
using StatementPtr = std::unique_ptr<Statement>;
using Body = std::vector<StatementPtr>;

void run_body(const Body& body, Scopes& scopes, std::string& out);

// ---- expressions
struct Literal : Expression {
  Literal(int l, Value v) : Expression(l), value(std::move(v)) {}
  Value evaluate(Scopes&) const override { return value; }
  Value value;
};
struct NameReference : Expression {
  NameReference(int l, std::string n) : Expression(l), name(std::move(n)) {}
  Value evaluate(Scopes& scopes) const override { return scopes.lookup(name); }
  std::string name;
};
struct ListDisplay : Expression {
  using Expression::Expression;
  Value evaluate(Scopes& scopes) const override;
  std::vector<ExpressionPtr> items;
};
struct DictDisplay : Expression {
  using Expression::Expression;
  Value evaluate(Scopes& scopes) const override;
  std::vector<std::pair<ExpressionPtr, ExpressionPtr>> items;
};
struct AttributeAccess : Expression {
  AttributeAccess(int l, ExpressionPtr o, std::string n) : Expression(l), object(std::move(o)), name(std::move(n)) {}
  Value evaluate(Scopes& scopes) const override;
  ExpressionPtr object;
  std::string name;
};
struct Subscript : Expression {  // object[index] or object[start:stop:step]
  using Expression::Expression;
  Value evaluate(Scopes& scopes) const override;
  ExpressionPtr object, index, start, stop, step;
  bool slice = false;
};
struct Arguments {
  std::vector<ExpressionPtr> positional;
  std::vector<std::pair<std::string, ExpressionPtr>> keywords;
  void evaluate(Scopes& scopes, ValueList& values, KeywordArguments& named) const;
};
struct Call : Expression {
  using Expression::Expression;
  Value evaluate(Scopes& scopes) const override;
  ExpressionPtr callee;
  Arguments arguments;
};
struct FilterApplication : Expression {  // value | name(arguments)
  using Expression::Expression;
  Value evaluate(Scopes& scopes) const override;
  ExpressionPtr input;
  std::string name;
  Arguments arguments;
};
struct TestApplication : Expression {  // value is [not] name(arguments)
  using Expression::Expression;
  Value evaluate(Scopes& scopes) const override;
  ExpressionPtr input;
  std::string name;
  Arguments arguments;
  bool negated = false;
};
struct UnaryOperation : Expression {  // not, -, +
  UnaryOperation(int l, std::string o, ExpressionPtr e) : Expression(l), op(std::move(o)), operand(std::move(e)) {}
  Value evaluate(Scopes& scopes) const override;
  std::string op;
  ExpressionPtr operand;
};
struct BinaryOperation : Expression {  // arithmetic, ~, comparisons, in, not in, and, or
  BinaryOperation(int l, std::string o, ExpressionPtr a, ExpressionPtr b)
      : Expression(l), op(std::move(o)), left(std::move(a)), right(std::move(b)) {}
  Value evaluate(Scopes& scopes) const override;
  std::string op;
  ExpressionPtr left, right;
};
struct Conditional : Expression {  // then if condition else otherwise
  using Expression::Expression;
  Value evaluate(Scopes& scopes) const override;
  ExpressionPtr then, condition, otherwise;
};

// ---- statements
struct TextOutput : Statement {
  TextOutput(int l, std::string t) : Statement(l), text(std::move(t)) {}
  void run(Scopes&, std::string& out) const override { out += text; }
  std::string text;
};
struct ExpressionOutput : Statement {
  ExpressionOutput(int l, ExpressionPtr e) : Statement(l), expression(std::move(e)) {}
  void run(Scopes& scopes, std::string& out) const override;
  ExpressionPtr expression;
};
struct IfStatement : Statement {
  using Statement::Statement;
  void run(Scopes& scopes, std::string& out) const override;
  std::vector<std::pair<ExpressionPtr, Body>> branches;  // if and elifs
  Body otherwise;
};
struct ForStatement : Statement {
  using Statement::Statement;
  void run(Scopes& scopes, std::string& out) const override;
  std::vector<std::string> targets;  // one name, or several unpacked
  ExpressionPtr iterable, filter;
  Body body, otherwise;
};
struct SetStatement : Statement {  // set name = e, set a, b = e, set ns.attr = e
  using Statement::Statement;
  void run(Scopes& scopes, std::string& out) const override;
  std::vector<std::string> targets;
  std::string attribute;  // set targets[0].attribute
  ExpressionPtr value;
};
struct SetBlockStatement : Statement {  // set name %}...{% endset
  using Statement::Statement;
  void run(Scopes& scopes, std::string& out) const override;
  std::string target;
  Body body;
};
struct BodyStatement : Statement {  // HF's generation %}...{% endgeneration: the body as it is
  using Statement::Statement;
  void run(Scopes& scopes, std::string& out) const override { run_body(body, scopes, out); }
  Body body;
};
struct LoopControl : Statement {  // break, continue
  LoopControl(int l, bool b) : Statement(l), is_break(b) {}
  void run(Scopes&, std::string&) const override;
  bool is_break;
};

}  // namespace cradle::jinja
