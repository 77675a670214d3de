#include "core/text/jinja/jinja_value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/error.h"

namespace cradle::jinja {
namespace {

// Python's repr of a float: the shortest text that reads back the same, with ".0" for whole numbers.
std::string float_text(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, d);
    if (std::strtod(buffer, nullptr) == d) break;
  }
  std::string text = buffer;
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void write_json(const Value& v, int indent, int depth, std::string& out) {
  const auto newline = [&](int level) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * level), ' ');
  };
  switch (v.kind) {
    case Value::Kind::Undefined:
    case Value::Kind::None: out += "null"; return;
    case Value::Kind::Boolean: out += v.boolean ? "true" : "false"; return;
    case Value::Kind::Integer: out += std::to_string(v.integer); return;
    case Value::Kind::Float: out += float_text(v.real); return;
    case Value::Kind::String: out += json_string(v.text); return;
    case Value::Kind::Function: out += "null"; return;
    case Value::Kind::List:
      if (v.list->empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < v.list->size(); ++i) {
        if (i) out += indent < 0 ? ", " : ",";
        newline(depth + 1);
        write_json((*v.list)[i], indent, depth + 1, out);
      }
      newline(depth);
      out += ']';
      return;
    case Value::Kind::Dict:
    case Value::Kind::Namespace:
      if (v.dict->empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (std::size_t i = 0; i < v.dict->size(); ++i) {
        if (i) out += indent < 0 ? ", " : ",";
        newline(depth + 1);
        out += json_string((*v.dict)[i].first) + ": ";
        write_json((*v.dict)[i].second, indent, depth + 1, out);
      }
      newline(depth);
      out += '}';
      return;
  }
}

// depth and holds_namespace from the direct children.
template <typename Children, typename ValueOf>
void note_children(Value& v, const Children& children, ValueOf value_of) {
  for (const auto& child : children) {
    const Value& c = value_of(child);
    v.depth = std::max(v.depth, c.depth + 1);
    v.holds_namespace = v.holds_namespace || c.holds_namespace || c.kind == Value::Kind::Namespace;
  }
  if (v.depth > Value::kMaxDepth)
    throw ConfigError("values nest deeper than " + std::to_string(Value::kMaxDepth) + " lists and dicts");
}

}  // namespace

Value Value::none() {
  Value v;
  v.kind = Kind::None;
  return v;
}
Value Value::from(bool b) {
  Value v;
  v.kind = Kind::Boolean;
  v.boolean = b;
  return v;
}
Value Value::from(std::int64_t i) {
  Value v;
  v.kind = Kind::Integer;
  v.integer = i;
  return v;
}
Value Value::from(double d) {
  Value v;
  v.kind = Kind::Float;
  v.real = d;
  return v;
}
Value Value::from(std::string s) {
  Value v;
  v.kind = Kind::String;
  v.text = std::move(s);
  return v;
}
Value Value::from(ValueList items) {
  Value v;
  v.kind = Kind::List;
  note_children(v, items, [](const Value& c) -> const Value& { return c; });
  v.list = std::make_shared<ValueList>(std::move(items));
  return v;
}
Value Value::from(ValueDict items) {
  Value v;
  v.kind = Kind::Dict;
  note_children(v, items, [](const std::pair<std::string, Value>& c) -> const Value& { return c.second; });
  v.dict = std::make_shared<ValueDict>(std::move(items));
  return v;
}
Value Value::namespace_of(ValueDict items) {
  Value v = from(std::move(items));
  v.kind = Kind::Namespace;
  return v;
}
Value Value::from(Function f) {
  Value v;
  v.kind = Kind::Function;
  v.function = std::make_shared<Function>(std::move(f));
  return v;
}

bool Value::truthy() const {
  switch (kind) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Boolean: return boolean;
    case Kind::Integer: return integer != 0;
    case Kind::Float: return real != 0;
    case Kind::String: return !text.empty();
    case Kind::List: return !list->empty();
    case Kind::Dict: return !dict->empty();
    case Kind::Namespace:
    case Kind::Function: return true;
  }
  return false;
}

double Value::as_double() const {
  if (kind == Kind::Float) return real;
  if (kind == Kind::Boolean) return boolean ? 1 : 0;
  return static_cast<double>(integer);
}

std::string Value::str() const {
  switch (kind) {
    case Kind::Undefined: return "";
    case Kind::None: return "None";
    case Kind::Boolean: return boolean ? "True" : "False";
    case Kind::Integer: return std::to_string(integer);
    case Kind::Float: return float_text(real);
    case Kind::String: return text;
    default: return repr();
  }
}

std::string Value::repr() const {
  switch (kind) {
    case Kind::String: {
      std::string out = "'";
      for (const char c : text)
        out += c == '\'' ? std::string("\\'") : c == '\n' ? std::string("\\n") : std::string(1, c);
      return out + "'";
    }
    case Kind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < list->size(); ++i) out += (i ? ", " : "") + (*list)[i].repr();
      return out + "]";
    }
    case Kind::Dict: {
      std::string out = "{";
      for (std::size_t i = 0; i < dict->size(); ++i)
        out += (i ? ", " : "") + Value::from((*dict)[i].first).repr() + ": " + (*dict)[i].second.repr();
      return out + "}";
    }
    case Kind::Namespace: return "<Namespace>";
    case Kind::Function: return "<function>";
    default: return str();
  }
}

const Value* Value::find(const std::string& key) const {
  if (kind != Kind::Dict && kind != Kind::Namespace) return nullptr;
  for (const auto& [name, value] : *dict)
    if (name == key) return &value;
  return nullptr;
}

void Value::set(const std::string& key, Value value) {
  if (kind == Kind::Namespace && (value.kind == Kind::Namespace || value.holds_namespace))
    throw ConfigError("a namespace cannot hold a namespace");
  if (value.depth + 1 > kMaxDepth)
    throw ConfigError("values nest deeper than " + std::to_string(kMaxDepth) + " lists and dicts");
  depth = std::max(depth, value.depth + 1);
  for (auto& [name, existing] : *dict)
    if (name == key) {
      existing = std::move(value);
      return;
    }
  dict->emplace_back(key, std::move(value));
}

std::string Value::type_name() const {
  switch (kind) {
    case Kind::Undefined: return "undefined";
    case Kind::None: return "none";
    case Kind::Boolean: return "boolean";
    case Kind::Integer: return "integer";
    case Kind::Float: return "float";
    case Kind::String: return "string";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Namespace: return "namespace";
    case Kind::Function: return "function";
  }
  return "value";
}

Value from_json(const nlohmann::ordered_json& json) {
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null: return Value::none();
    case nlohmann::ordered_json::value_t::boolean: return Value::from(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned: return Value::from(json.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_float: return Value::from(json.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value::from(json.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      ValueList items;
      for (const auto& item : json) items.push_back(from_json(item));
      return Value::from(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      ValueDict items;
      for (const auto& [key, item] : json.items()) items.emplace_back(key, from_json(item));
      return Value::from(std::move(items));
    }
    default: return Value();
  }
}

std::string to_json(const Value& value, int indent) {
  std::string out;
  write_json(value, indent, 0, out);
  return out;
}

bool equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.kind == Value::Kind::Float || b.kind == Value::Kind::Float) return a.as_double() == b.as_double();
    return (a.kind == Value::Kind::Boolean ? a.boolean : a.integer) ==
           (b.kind == Value::Kind::Boolean ? b.boolean : b.integer);
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::Undefined:
    case Value::Kind::None: return true;
    case Value::Kind::String: return a.text == b.text;
    case Value::Kind::List:
      if (a.list->size() != b.list->size()) return false;
      for (std::size_t i = 0; i < a.list->size(); ++i)
        if (!equal((*a.list)[i], (*b.list)[i])) return false;
      return true;
    case Value::Kind::Dict:
      if (a.dict->size() != b.dict->size()) return false;
      for (const auto& [key, value] : *a.dict) {
        const Value* other = b.find(key);
        if (!other || !equal(value, *other)) return false;
      }
      return true;
    default: return a.dict == b.dict && a.function == b.function;
  }
}

}  // namespace cradle::jinja
