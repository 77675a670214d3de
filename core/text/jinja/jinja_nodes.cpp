#include "core/text/jinja/jinja_nodes.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/text/jinja/jinja_builtins.h"

namespace cradle::jinja {
namespace {

// Loop control unwinds to the innermost for loop.
struct BreakSignal {};
struct ContinueSignal {};

std::int64_t python_index(std::int64_t index, std::int64_t size) { return index < 0 ? index + size : index; }

Value slice_of(const Value& object, const Value& start, const Value& stop, const Value& step, int line) {
  const bool text = object.kind == Value::Kind::String;
  if (!text && object.kind != Value::Kind::List) fail_at(line, "a " + object.type_name() + " cannot be sliced");
  const std::int64_t size =
      text ? static_cast<std::int64_t>(object.text.size()) : static_cast<std::int64_t>(object.list->size());
  std::int64_t stride = step.kind == Value::Kind::Integer ? step.integer : 1;
  if (stride == 0) fail_at(line, "a slice step cannot be zero");
  stride = std::clamp<std::int64_t>(stride, -(size + 1), size + 1);  // the same items, and no overflow
  const auto bound = [&](const Value& v, std::int64_t fallback) {
    if (v.kind != Value::Kind::Integer) return fallback;
    const std::int64_t i = python_index(v.integer, size);
    return stride > 0 ? std::clamp<std::int64_t>(i, 0, size) : std::clamp<std::int64_t>(i, -1, size - 1);
  };
  const std::int64_t from = bound(start, stride > 0 ? 0 : size - 1), to = bound(stop, stride > 0 ? size : -1);
  std::string chars;
  ValueList items;
  for (std::int64_t i = from; stride > 0 ? i < to : i > to; i += stride) {
    if (text)
      chars += object.text[static_cast<std::size_t>(i)];
    else
      items.push_back((*object.list)[static_cast<std::size_t>(i)]);
  }
  return text ? Value::from(chars) : Value::from(items);
}

Value arithmetic(const std::string& op, const Value& a, const Value& b, int line) {
  if (op == "+" && a.kind == Value::Kind::String && b.kind == Value::Kind::String) return Value::from(a.text + b.text);
  if (op == "+" && a.kind == Value::Kind::List && b.kind == Value::Kind::List) {
    ValueList joined = *a.list;
    joined.insert(joined.end(), b.list->begin(), b.list->end());
    return Value::from(joined);
  }
  if (op == "*" && a.kind == Value::Kind::String && b.kind == Value::Kind::Integer) {
    if (b.integer > 0 &&
        static_cast<std::uint64_t>(b.integer) > (std::uint64_t{1} << 20) / std::max<std::size_t>(1, a.text.size()))
      fail_at(line, "repeating a string makes more than 1 MiB of text");
    std::string out;
    for (std::int64_t i = 0; i < b.integer; ++i) out += a.text;
    return Value::from(out);
  }
  if (!a.is_number() || !b.is_number())
    fail_at(line, "cannot apply " + op + " to a " + a.type_name() + " and a " + b.type_name());
  const bool integers = a.kind != Value::Kind::Float && b.kind != Value::Kind::Float;
  const double x = a.as_double(), y = b.as_double();
  if (op == "/") {
    if (y == 0) fail_at(line, "division by zero");
    return Value::from(x / y);
  }
  if (integers) {
    const std::int64_t i = a.kind == Value::Kind::Boolean ? a.boolean : a.integer;
    const std::int64_t j = b.kind == Value::Kind::Boolean ? b.boolean : b.integer;
    if ((op == "//" || op == "%") && j == 0) fail_at(line, "division by zero");
    std::int64_t result = 0;
    bool overflow = false;
    if (op == "+") overflow = __builtin_add_overflow(i, j, &result);
    if (op == "-") overflow = __builtin_sub_overflow(i, j, &result);
    if (op == "*") overflow = __builtin_mul_overflow(i, j, &result);
    if (op == "//" || op == "%") {
      if (j == -1) {
        overflow = __builtin_sub_overflow(std::int64_t{0}, i, &result);  // i // -1 is -i; i % -1 is 0
        if (op == "%") result = 0;
      } else {
        result = op == "//" ? i / j - ((i % j != 0) && ((i < 0) != (j < 0))) : ((i % j) + j) % j;
      }
    }
    if (op == "**") {
      const double power = std::pow(x, y);
      if (!(std::fabs(power) < 9.2e18))
        overflow = true;
      else
        result = static_cast<std::int64_t>(power);
    }
    if (overflow) fail_at(line, "the result of " + op + " does not fit in 64 bits");
    return Value::from(result);
  }
  if (op == "+") return Value::from(x + y);
  if (op == "-") return Value::from(x - y);
  if (op == "*") return Value::from(x * y);
  if (op == "//") return Value::from(std::floor(x / y));
  if (op == "%") return Value::from(x - std::floor(x / y) * y);
  return Value::from(std::pow(x, y));
}

bool less_than(const Value& a, const Value& b, int line) {
  if (a.is_number() && b.is_number()) return a.as_double() < b.as_double();
  if (a.kind == Value::Kind::String && b.kind == Value::Kind::String) return a.text < b.text;
  fail_at(line, "cannot order a " + a.type_name() + " and a " + b.type_name());
}

bool contains(const Value& container, const Value& item, int line) {
  switch (container.kind) {
    case Value::Kind::String: return container.text.find(item.str()) != std::string::npos;
    case Value::Kind::List:
      for (const auto& element : *container.list)
        if (equal(element, item)) return true;
      return false;
    case Value::Kind::Dict:
    case Value::Kind::Namespace: return container.find(item.str()) != nullptr;
    case Value::Kind::Undefined: return false;
    default: fail_at(line, "cannot look for a value in a " + container.type_name());
  }
}

ValueList iterate(const Value& v, int line) {
  if (v.kind == Value::Kind::Undefined || v.kind == Value::Kind::None) return {};
  return *apply_filter("list", v, {}, {}, line).list;  // a dict's keys, a string's characters
}

Value loop_record(const ValueList& items, std::size_t i) {
  const auto n = static_cast<std::int64_t>(items.size()), at = static_cast<std::int64_t>(i);
  return Value::from(ValueDict{{"index", Value::from(at + 1)},
                               {"index0", Value::from(at)},
                               {"revindex", Value::from(n - at)},
                               {"revindex0", Value::from(n - at - 1)},
                               {"first", Value::from(i == 0)},
                               {"last", Value::from(at == n - 1)},
                               {"length", Value::from(n)},
                               {"previtem", i > 0 ? items[i - 1] : Value()},
                               {"nextitem", at + 1 < n ? items[i + 1] : Value()}});
}

void bind_targets(Scopes& scopes, const std::vector<std::string>& targets, const Value& value, int line) {
  if (targets.size() == 1) {
    scopes.assign(targets[0], value);
    return;
  }
  if (value.kind != Value::Kind::List || value.list->size() != targets.size())
    fail_at(line, "cannot unpack a " + value.type_name() + " into " + std::to_string(targets.size()) + " names");
  for (std::size_t i = 0; i < targets.size(); ++i) scopes.assign(targets[i], (*value.list)[i]);
}

}  // namespace

void fail_at(int line, const std::string& what) { throw ConfigError("line " + std::to_string(line) + ": " + what); }

Value Scopes::lookup(const std::string& name) const {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope)
    for (const auto& [key, value] : *scope)
      if (key == name) return value;
  return Value();
}

void Scopes::assign(const std::string& name, Value value) {
  for (auto& [key, existing] : scopes_.back())
    if (key == name) {
      existing = std::move(value);
      return;
    }
  scopes_.back().emplace_back(name, std::move(value));
}

void Scopes::count_iteration(int line) {
  if (++iterations_ > kMaxIterations)
    fail_at(line, "the template loops more than " + std::to_string(kMaxIterations) + " times");
}

void run_body(const Body& body, Scopes& scopes, std::string& out) {
  for (const auto& statement : body) statement->run(scopes, out);
}

Value ListDisplay::evaluate(Scopes& scopes) const {
  ValueList values;
  for (const auto& item : items) values.push_back(item->evaluate(scopes));
  return Value::from(values);
}

Value DictDisplay::evaluate(Scopes& scopes) const {
  Value dict = Value::from(ValueDict{});
  for (const auto& [key, value] : items) dict.set(key->evaluate(scopes).str(), value->evaluate(scopes));
  return dict;
}

Value AttributeAccess::evaluate(Scopes& scopes) const { return member_of(object->evaluate(scopes), name, line); }

Value Subscript::evaluate(Scopes& scopes) const {
  const Value target = object->evaluate(scopes);
  if (slice) {
    const auto part = [&](const ExpressionPtr& e) { return e ? e->evaluate(scopes) : Value(); };
    return slice_of(target, part(start), part(stop), part(step), line);
  }
  const Value key = index->evaluate(scopes);
  if (target.kind == Value::Kind::List || target.kind == Value::Kind::String) {
    if (key.kind != Value::Kind::Integer) return Value();
    const auto size =
        static_cast<std::int64_t>(target.kind == Value::Kind::List ? target.list->size() : target.text.size());
    const std::int64_t i = python_index(key.integer, size);
    if (i < 0 || i >= size) return Value();
    return target.kind == Value::Kind::List ? (*target.list)[static_cast<std::size_t>(i)]
                                            : Value::from(std::string(1, target.text[static_cast<std::size_t>(i)]));
  }
  return key.kind == Value::Kind::String ? member_of(target, key.text, line) : Value();
}

void Arguments::evaluate(Scopes& scopes, ValueList& values, KeywordArguments& named) const {
  for (const auto& argument : positional) values.push_back(argument->evaluate(scopes));
  for (const auto& [name, argument] : keywords) named.emplace_back(name, argument->evaluate(scopes));
}

Value Call::evaluate(Scopes& scopes) const {
  const Value function = callee->evaluate(scopes);
  if (function.kind != Value::Kind::Function) fail_at(line, "a " + function.type_name() + " cannot be called");
  ValueList values;
  KeywordArguments named;
  arguments.evaluate(scopes, values, named);
  try {
    return (*function.function)(values, named);
  } catch (const RaisedByTemplate& raised) {
    fail_at(line, raised.what());
  }
}

Value FilterApplication::evaluate(Scopes& scopes) const {
  ValueList values;
  KeywordArguments named;
  arguments.evaluate(scopes, values, named);
  return apply_filter(name, input->evaluate(scopes), values, named, line);
}

Value TestApplication::evaluate(Scopes& scopes) const {
  ValueList values;
  KeywordArguments named;
  arguments.evaluate(scopes, values, named);
  return Value::from(apply_test(name, input->evaluate(scopes), values, line) != negated);
}

Value UnaryOperation::evaluate(Scopes& scopes) const {
  const Value v = operand->evaluate(scopes);
  if (op == "not") return Value::from(!v.truthy());
  if (!v.is_number()) fail_at(line, "cannot apply " + op + " to a " + v.type_name());
  if (op == "+") return v;
  if (v.kind == Value::Kind::Float) return Value::from(-v.real);
  std::int64_t negated = 0;
  const std::int64_t operand_value = v.kind == Value::Kind::Boolean ? std::int64_t{v.boolean} : v.integer;
  if (__builtin_sub_overflow(std::int64_t{0}, operand_value, &negated))
    fail_at(line, "the negation does not fit in 64 bits");
  return Value::from(negated);
}

Value BinaryOperation::evaluate(Scopes& scopes) const {
  const Value a = left->evaluate(scopes);
  if (op == "and") return a.truthy() ? right->evaluate(scopes) : a;
  if (op == "or") return a.truthy() ? a : right->evaluate(scopes);
  const Value b = right->evaluate(scopes);
  if (op == "~") return Value::from(a.str() + b.str());
  if (op == "==") return Value::from(equal(a, b));
  if (op == "!=") return Value::from(!equal(a, b));
  if (op == "<") return Value::from(less_than(a, b, line));
  if (op == ">") return Value::from(less_than(b, a, line));
  if (op == "<=") return Value::from(!less_than(b, a, line));
  if (op == ">=") return Value::from(!less_than(a, b, line));
  if (op == "in") return Value::from(contains(b, a, line));
  if (op == "not in") return Value::from(!contains(b, a, line));
  return arithmetic(op, a, b, line);
}

Value Conditional::evaluate(Scopes& scopes) const {
  if (condition->evaluate(scopes).truthy()) return then->evaluate(scopes);
  return otherwise ? otherwise->evaluate(scopes) : Value();
}

void ExpressionOutput::run(Scopes& scopes, std::string& out) const { out += expression->evaluate(scopes).str(); }

void IfStatement::run(Scopes& scopes, std::string& out) const {
  for (const auto& [condition, body] : branches)
    if (condition->evaluate(scopes).truthy()) {
      run_body(body, scopes, out);
      return;
    }
  run_body(otherwise, scopes, out);
}

void ForStatement::run(Scopes& scopes, std::string& out) const {
  ValueList items = iterate(iterable->evaluate(scopes), line);
  if (filter) {  // for x in xs if condition: the loop sees only the items that pass
    ValueList kept;
    for (const auto& item : items) {
      scopes.push();
      bind_targets(scopes, targets, item, line);
      if (filter->evaluate(scopes).truthy()) kept.push_back(item);
      scopes.pop();
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    run_body(otherwise, scopes, out);
    return;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    scopes.count_iteration(line);
    scopes.push();
    scopes.assign("loop", loop_record(items, i));
    bind_targets(scopes, targets, items[i], line);
    try {
      run_body(body, scopes, out);
    } catch (const ContinueSignal&) {
    } catch (const BreakSignal&) {
      scopes.pop();
      break;
    }
    scopes.pop();
  }
}

void SetStatement::run(Scopes& scopes, std::string&) const {
  Value v = value->evaluate(scopes);
  if (attribute.empty()) {
    bind_targets(scopes, targets, v, line);
    return;
  }
  Value object = scopes.lookup(targets[0]);
  if (object.kind != Value::Kind::Namespace)
    fail_at(line, "only a namespace takes attributes; " + targets[0] + " is a " + object.type_name());
  object.set(attribute, std::move(v));
}

void SetBlockStatement::run(Scopes& scopes, std::string&) const {
  std::string captured;
  run_body(body, scopes, captured);
  scopes.assign(target, Value::from(captured));
}

void LoopControl::run(Scopes&, std::string&) const {
  if (is_break) throw BreakSignal{};
  throw ContinueSignal{};
}

}  // namespace cradle::jinja
