#pragma once
// The values a chat template computes with, as Jinja (a Python library) has
// them: undefined, none, booleans, integers, floats, strings, lists, dicts
// (insertion-ordered, as Python's), namespaces (Jinja's mutable records) and
// functions. Lists, dicts and namespaces are shared, as Python's objects are.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cradle::jinja {

struct Value;
using ValueList = std::vector<Value>;
using ValueDict = std::vector<std::pair<std::string, Value>>;
using KeywordArguments = std::vector<std::pair<std::string, Value>>;
using Function = std::function<Value(const ValueList& arguments, const KeywordArguments& keywords)>;

struct Value {
  enum class Kind { Undefined, None, Boolean, Integer, Float, String, List, Dict, Namespace, Function };
  Kind kind = Kind::Undefined;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;
  std::shared_ptr<ValueList> list;
  std::shared_ptr<ValueDict> dict;  // dicts and namespaces
  std::shared_ptr<Function> function;
  // How deeply lists and dicts nest inside, and whether a namespace is among
  // them: values nest at most kMaxDepth deep and a namespace never holds a
  // namespace, so no value is a cycle and none is too deep to print or free.
  int depth = 0;
  bool holds_namespace = false;
  static constexpr int kMaxDepth = 200;

  static Value none();
  static Value from(bool b);
  static Value from(std::int64_t i);
  static Value from(double d);
  static Value from(std::string s);
  static Value from(const char* s) { return from(std::string(s)); }
  static Value from(ValueList items);
  static Value from(ValueDict items);
  static Value namespace_of(ValueDict items);
  static Value from(Function f);

  bool is_undefined() const { return kind == Kind::Undefined; }
  bool is_number() const { return kind == Kind::Integer || kind == Kind::Float || kind == Kind::Boolean; }
  bool truthy() const;
  double as_double() const;
  // As `{{ value }}` prints it (Python's str: True, None, ['a', 1]).
  std::string str() const;
  // Python's repr: strings quoted.
  std::string repr() const;
  // The dict's or namespace's entry, or null.
  const Value* find(const std::string& key) const;
  // Dicts and namespaces; ConfigError for a namespace inside a namespace or a value nested too deep.
  void set(const std::string& key, Value value);
  std::string type_name() const;
};

Value from_json(const nlohmann::ordered_json& json);
// Python's json.dumps(value, ensure_ascii=False, indent=indent) (-1: no indent).
std::string to_json(const Value& value, int indent = -1);
bool equal(const Value& a, const Value& b);

}  // namespace cradle::jinja
