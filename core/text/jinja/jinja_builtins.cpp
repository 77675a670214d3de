#include "core/text/jinja/jinja_builtins.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>

#include "core/text/jinja/jinja_nodes.h"

namespace cradle::jinja {
namespace {

Value argument(const ValueList& arguments, std::size_t i, const Value& fallback) {
  return i < arguments.size() ? arguments[i] : fallback;
}

const Value* keyword(const KeywordArguments& keywords, const std::string& name) {
  for (const auto& [key, value] : keywords)
    if (key == name) return &value;
  return nullptr;
}

std::string strip_chars(const std::string& s, bool left, bool right, const std::string& chars = " \t\n\r\f\v") {
  std::size_t begin = 0, end = s.size();
  if (left)
    while (begin < end && chars.find(s[begin]) != std::string::npos) ++begin;
  if (right)
    while (end > begin && chars.find(s[end - 1]) != std::string::npos) --end;
  return s.substr(begin, end - begin);
}

std::string map_ascii(std::string s, int (*f)(int)) {
  for (char& c : s) c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return s;
}

std::string title_case(const std::string& s) {
  std::string out = s;
  bool start = true;
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
    start = !std::isalpha(u);
  }
  return out;
}

std::string replace_all_text(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// The items a for loop or a filter walks: a list's, a dict's keys, a string's characters.
ValueList items_of(const Value& v, int line) {
  switch (v.kind) {
    case Value::Kind::List: return *v.list;
    case Value::Kind::Dict: {
      ValueList keys;
      for (const auto& [key, value] : *v.dict) keys.push_back(Value::from(key));
      return keys;
    }
    case Value::Kind::String: {
      ValueList characters;
      for (std::size_t i = 0; i < v.text.size();) {
        const auto lead = static_cast<unsigned char>(v.text[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        characters.push_back(Value::from(v.text.substr(i, length)));
        i += length;
      }
      return characters;
    }
    case Value::Kind::Undefined: return {};
    default: fail_at(line, "a " + v.type_name() + " cannot be iterated");
  }
}

std::int64_t length_of(const Value& v, int line) {
  if (v.kind == Value::Kind::Dict) return static_cast<std::int64_t>(v.dict->size());
  return static_cast<std::int64_t>(items_of(v, line).size());
}

// selectattr / rejectattr: the items whose attribute passes (or fails) a test, truthiness without one.
Value select_by_attribute(const Value& v, const ValueList& a, int line, bool keep_passing) {
  if (a.empty()) fail_at(line, "selectattr and rejectattr need the attribute's name");
  const ValueList test_arguments(a.size() > 2 ? a.begin() + 2 : a.end(), a.end());
  ValueList kept;
  for (const auto& item : items_of(v, line)) {
    const Value attribute = member_of(item, a[0].str(), line);
    const bool passes = a.size() > 1 ? apply_test(a[1].str(), attribute, test_arguments, line) : attribute.truthy();
    if (passes == keep_passing) kept.push_back(item);
  }
  return Value::from(kept);
}

// map(attribute="name") or map("filter", arguments...).
Value map_items(const Value& v, const ValueList& a, const KeywordArguments& k, int line) {
  ValueList mapped;
  const Value* attribute = keyword(k, "attribute");
  if (!attribute && a.empty()) fail_at(line, "map needs attribute=\"name\" or a filter's name");
  const ValueList filter_arguments(a.empty() ? a.end() : a.begin() + 1, a.end());
  for (const auto& item : items_of(v, line))
    mapped.push_back(attribute ? member_of(item, attribute->str(), line)
                               : apply_filter(a[0].str(), item, filter_arguments, {}, line));
  return Value::from(mapped);
}

using FilterFunction = Value (*)(const Value&, const ValueList&, const KeywordArguments&, int);

// Filters of strings and single values.
void add_text_filters(std::map<std::string, FilterFunction>& table) {
  const std::pair<const char*, FilterFunction> entries[] = {
      {"trim", [](const Value& v, const ValueList& a, const KeywordArguments&,
                  int) { return Value::from(strip_chars(v.str(), true, true)); }},
      {"tojson",
       [](const Value& v, const ValueList& a, const KeywordArguments& k, int) {
         const Value* indent = keyword(k, "indent");
         const Value chosen = indent ? *indent : argument(a, 0, Value::none());
         return Value::from(to_json(v, chosen.kind == Value::Kind::Integer ? static_cast<int>(chosen.integer) : -1));
       }},
      {"upper", [](const Value& v, const ValueList&, const KeywordArguments&,
                   int) { return Value::from(map_ascii(v.str(), std::toupper)); }},
      {"lower", [](const Value& v, const ValueList&, const KeywordArguments&,
                   int) { return Value::from(map_ascii(v.str(), std::tolower)); }},
      {"title",
       [](const Value& v, const ValueList&, const KeywordArguments&, int) { return Value::from(title_case(v.str())); }},
      {"capitalize",
       [](const Value& v, const ValueList&, const KeywordArguments&, int) {
         std::string s = map_ascii(v.str(), std::tolower);
         if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
         return Value::from(s);
       }},
      {"replace",
       [](const Value& v, const ValueList& a, const KeywordArguments&, int line) {
         if (a.size() < 2) fail_at(line, "replace needs the text to find and its replacement");
         return Value::from(replace_all_text(v.str(), a[0].str(), a[1].str()));
       }},
      {"indent",
       [](const Value& v, const ValueList& a, const KeywordArguments& k, int) {
         const Value* width_kw = keyword(k, "width");
         const Value* first_kw = keyword(k, "first");
         const Value width = width_kw ? *width_kw : argument(a, 0, Value::from(std::int64_t{4}));
         const bool first = (first_kw ? *first_kw : argument(a, 1, Value::from(false))).truthy();
         const std::string pad =
             width.kind == Value::Kind::String ? width.text : std::string(static_cast<std::size_t>(width.integer), ' ');
         std::string out;
         const std::string& s = v.text;
         for (std::size_t i = 0; i < s.size(); ++i) {
           out += s[i];
           if (s[i] == '\n' && i + 1 < s.size() && s[i + 1] != '\n') out += pad;
         }
         return Value::from(first && !s.empty() ? pad + out : out);
       }},
      {"string", [](const Value& v, const ValueList&, const KeywordArguments&, int) { return Value::from(v.str()); }},
      {"safe", [](const Value& v, const ValueList&, const KeywordArguments&, int) { return v; }},
      {"default",
       [](const Value& v, const ValueList& a, const KeywordArguments&, int) {
         const bool falsy_too = argument(a, 1, Value::from(false)).truthy();
         return v.is_undefined() || (falsy_too && !v.truthy()) ? argument(a, 0, Value::from("")) : v;
       }},
      {"int",
       [](const Value& v, const ValueList&, const KeywordArguments&, int) {
         if (v.kind == Value::Kind::String) {
           try {
             return Value::from(static_cast<std::int64_t>(std::stoll(v.text)));
           } catch (...) {
             return Value::from(std::int64_t{0});
           }
         }
         const double d = v.as_double();
         return Value::from(std::fabs(d) < 9.2e18 ? static_cast<std::int64_t>(d) : std::int64_t{0});
       }},
      {"float",
       [](const Value& v, const ValueList&, const KeywordArguments&, int) {
         if (v.kind == Value::Kind::String) return Value::from(std::strtod(v.text.c_str(), nullptr));
         return Value::from(v.as_double());
       }},
      {"abs",
       [](const Value& v, const ValueList&, const KeywordArguments&, int) {
         if (v.kind == Value::Kind::Float) return Value::from(std::fabs(v.real));
         const bool representable = v.integer != std::numeric_limits<std::int64_t>::min();
         return Value::from(representable && v.integer < 0 ? -v.integer : v.integer);
       }},
  };
  for (const auto& [name, filter] : entries) table.emplace(name, filter);
}

// Filters of lists, dicts and strings as sequences.
void add_sequence_filters(std::map<std::string, FilterFunction>& table) {
  const std::pair<const char*, FilterFunction> entries[] = {
      {"length", [](const Value& v, const ValueList&, const KeywordArguments&,
                    int line) { return Value::from(length_of(v, line)); }},
      {"count", [](const Value& v, const ValueList&, const KeywordArguments&,
                   int line) { return Value::from(length_of(v, line)); }},
      {"join",
       [](const Value& v, const ValueList& a, const KeywordArguments&, int line) {
         std::string out;
         const std::string separator = argument(a, 0, Value::from("")).str();
         const ValueList items = items_of(v, line);
         for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i].str();
         return Value::from(out);
       }},
      {"first",
       [](const Value& v, const ValueList&, const KeywordArguments&, int line) {
         const ValueList items = items_of(v, line);
         return items.empty() ? Value() : items.front();
       }},
      {"last",
       [](const Value& v, const ValueList&, const KeywordArguments&, int line) {
         const ValueList items = items_of(v, line);
         return items.empty() ? Value() : items.back();
       }},
      {"list", [](const Value& v, const ValueList&, const KeywordArguments&,
                  int line) { return Value::from(items_of(v, line)); }},
      {"items",
       [](const Value& v, const ValueList&, const KeywordArguments&, int line) {
         if (v.kind != Value::Kind::Dict) fail_at(line, "items needs a dict, not a " + v.type_name());
         ValueList pairs;
         for (const auto& [key, value] : *v.dict) pairs.push_back(Value::from(ValueList{Value::from(key), value}));
         return Value::from(pairs);
       }},
      {"reverse",
       [](const Value& v, const ValueList&, const KeywordArguments&, int line) {
         if (v.kind == Value::Kind::String) return Value::from(std::string(v.text.rbegin(), v.text.rend()));
         ValueList items = items_of(v, line);
         std::reverse(items.begin(), items.end());
         return Value::from(items);
       }},
      {"selectattr", [](const Value& v, const ValueList& a, const KeywordArguments&,
                        int line) { return select_by_attribute(v, a, line, true); }},
      {"rejectattr", [](const Value& v, const ValueList& a, const KeywordArguments&,
                        int line) { return select_by_attribute(v, a, line, false); }},
      {"map", [](const Value& v, const ValueList& a, const KeywordArguments& k,
                 int line) { return map_items(v, a, k, line); }},
  };
  for (const auto& [name, filter] : entries) table.emplace(name, filter);
}

const std::map<std::string, FilterFunction>& filters() {
  static const std::map<std::string, FilterFunction> table = [] {
    std::map<std::string, FilterFunction> all;
    add_text_filters(all);
    add_sequence_filters(all);
    return all;
  }();
  return table;
}

using TestFunction = bool (*)(const Value&, const ValueList&);

const std::map<std::string, TestFunction>& tests() {
  static const std::map<std::string, TestFunction> table = {
      {"defined", [](const Value& v, const ValueList&) { return !v.is_undefined(); }},
      {"undefined", [](const Value& v, const ValueList&) { return v.is_undefined(); }},
      {"none", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::None; }},
      {"string", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::String; }},
      {"number",
       [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Integer || v.kind == Value::Kind::Float; }},
      {"integer", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Integer; }},
      {"float", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Float; }},
      {"boolean", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Boolean; }},
      {"true", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Boolean && v.boolean; }},
      {"false", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Boolean && !v.boolean; }},
      {"mapping", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Dict; }},
      {"sequence",
       [](const Value& v, const ValueList&) {
         return v.kind == Value::Kind::List || v.kind == Value::Kind::String || v.kind == Value::Kind::Dict;
       }},
      {"iterable",
       [](const Value& v, const ValueList&) {
         return v.kind == Value::Kind::List || v.kind == Value::Kind::String || v.kind == Value::Kind::Dict;
       }},
      {"callable", [](const Value& v, const ValueList&) { return v.kind == Value::Kind::Function; }},
      {"odd", [](const Value& v, const ValueList&) { return v.integer % 2 != 0; }},
      {"even", [](const Value& v, const ValueList&) { return v.integer % 2 == 0; }},
      {"divisibleby",
       [](const Value& v, const ValueList& a) {
         return !a.empty() && a[0].integer != 0 && v.integer % a[0].integer == 0;
       }},
      {"equalto", [](const Value& v, const ValueList& a) { return !a.empty() && equal(v, a[0]); }},
      {"eq", [](const Value& v, const ValueList& a) { return !a.empty() && equal(v, a[0]); }},
      {"ne", [](const Value& v, const ValueList& a) { return a.empty() || !equal(v, a[0]); }},
  };
  return table;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Value string_method(const std::string& s, const std::string& name, const ValueList& a, int line) {
  const std::string chars = a.empty() || a[0].kind == Value::Kind::None ? " \t\n\r\f\v" : a[0].str();
  if (name == "strip") return Value::from(strip_chars(s, true, true, chars));
  if (name == "lstrip") return Value::from(strip_chars(s, true, false, chars));
  if (name == "rstrip") return Value::from(strip_chars(s, false, true, chars));
  if (name == "upper") return Value::from(map_ascii(s, std::toupper));
  if (name == "lower") return Value::from(map_ascii(s, std::tolower));
  if (name == "title") return Value::from(title_case(s));
  if (name == "startswith") return Value::from(!a.empty() && starts_with(s, a[0].str()));
  if (name == "endswith") return Value::from(!a.empty() && ends_with(s, a[0].str()));
  if (name == "replace") {
    if (a.size() < 2) fail_at(line, "replace needs the text to find and its replacement");
    return Value::from(replace_all_text(s, a[0].str(), a[1].str()));
  }
  if (name == "split") {
    ValueList parts;
    if (a.empty() || a[0].kind == Value::Kind::None) {
      std::size_t i = 0;
      while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        std::size_t j = i;
        while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j > i) parts.push_back(Value::from(s.substr(i, j - i)));
        i = j;
      }
      return Value::from(parts);
    }
    const std::string separator = a[0].str();
    if (separator.empty()) fail_at(line, "split needs a separator that is not empty");
    std::size_t from = 0;
    for (std::size_t at; (at = s.find(separator, from)) != std::string::npos; from = at + separator.size())
      parts.push_back(Value::from(s.substr(from, at - from)));
    parts.push_back(Value::from(s.substr(from)));
    return Value::from(parts);
  }
  fail_at(line, "strings have no method " + name + "()");
}

Value dict_method(const Value& d, const std::string& name, const ValueList& a, int line) {
  if (name == "items") return apply_filter("items", d, {}, {}, line);
  if (name == "keys") return Value::from(items_of(d, line));
  if (name == "values") {
    ValueList values;
    for (const auto& [key, value] : *d.dict) values.push_back(value);
    return Value::from(values);
  }
  if (name == "get") {
    const Value* found = a.empty() ? nullptr : d.find(a[0].str());
    return found ? *found : argument(a, 1, Value::none());
  }
  fail_at(line, "dicts have no method " + name + "()");
}

}  // namespace

Value apply_filter(const std::string& name, const Value& input, const ValueList& arguments,
                   const KeywordArguments& keywords, int line) {
  const std::string canonical = name == "d" ? "default" : name == "e" || name == "escape" ? "safe" : name;
  const auto found = filters().find(canonical);
  if (found == filters().end()) fail_at(line, "unknown filter \"" + name + "\"");
  return found->second(input, arguments, keywords, line);
}

bool apply_test(const std::string& name, const Value& input, const ValueList& arguments, int line) {
  const auto found = tests().find(name);
  if (found == tests().end()) fail_at(line, "unknown test \"" + name + "\"");
  return found->second(input, arguments);
}

Value member_of(const Value& object, const std::string& name, int line) {
  if (const Value* entry = object.find(name)) return *entry;
  const bool method = object.kind == Value::Kind::String || object.kind == Value::Kind::Dict;
  if (!method) return Value();
  const Value bound = object;
  return Value::from(Function([bound, name, line](const ValueList& a, const KeywordArguments&) {
    return bound.kind == Value::Kind::String ? string_method(bound.text, name, a, line)
                                             : dict_method(bound, name, a, line);
  }));
}

ValueDict global_functions() {
  ValueDict globals;
  globals.emplace_back(
      "raise_exception", Value::from(Function([](const ValueList& a, const KeywordArguments&) -> Value {
        throw RaisedByTemplate("the template raised an error: " + (a.empty() ? std::string() : a[0].str()));
      })));
  globals.emplace_back("range", Value::from(Function([](const ValueList& a, const KeywordArguments&) {
                         const std::int64_t start = a.size() > 1 ? a[0].integer : 0;
                         const std::int64_t stop = a.size() > 1 ? a[1].integer : a.empty() ? 0 : a[0].integer;
                         const std::int64_t step = a.size() > 2 && a[2].integer != 0 ? a[2].integer : 1;
                         ValueList numbers;
                         const long double span = static_cast<long double>(stop) - static_cast<long double>(start);
                         const long double count = std::ceil(span / static_cast<long double>(step));
                         if (count > 1e6) throw RaisedByTemplate("range() of more than 1,000,000 numbers");
                         // start + k * step stays between start and stop: no overflow
                         for (std::int64_t k = 0; k < static_cast<std::int64_t>(count); ++k)
                           numbers.push_back(Value::from(start + k * step));
                         return Value::from(numbers);
                       })));
  globals.emplace_back("namespace", Value::from(Function([](const ValueList& a, const KeywordArguments& k) {
                         ValueDict fields(k.begin(), k.end());
                         if (!a.empty() && a[0].kind == Value::Kind::Dict) fields = *a[0].dict;
                         return Value::namespace_of(fields);
                       })));
  globals.emplace_back("strftime_now", Value::from(Function([](const ValueList& a, const KeywordArguments&) {
                         const std::time_t now = std::time(nullptr);
                         std::tm local{};
                         localtime_r(&now, &local);
                         char buffer[128] = "";
                         std::strftime(buffer, sizeof buffer, a.empty() ? "%Y-%m-%d" : a[0].str().c_str(), &local);
                         return Value::from(std::string(buffer));
                       })));
  return globals;
}

}  // namespace cradle::jinja
