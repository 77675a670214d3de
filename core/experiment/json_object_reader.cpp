#include "core/experiment/json_object_reader.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"

namespace cradle {
namespace {

const Json& empty_object() {
  static const Json empty = Json::object();
  return empty;
}

std::string type_name(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

std::string format_number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::ostringstream out;
  out << v;
  return out.str();
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

bool Range::contains(double v) const {
  if (std::isnan(v)) return false;
  const bool above = min_exclusive ? v > min : v >= min;
  const bool below = max_exclusive ? v < max : v <= max;
  return above && below;
}

std::string Range::describe() const {
  const bool has_min = std::isfinite(min);
  const bool has_max = std::isfinite(max);
  if (has_min && has_max && !min_exclusive && !max_exclusive)
    return "between " + format_number(min) + " and " + format_number(max);
  std::string text;
  if (has_min) text += std::string(min_exclusive ? "> " : ">= ") + format_number(min);
  if (has_max) text += std::string(has_min ? " and " : "") + (max_exclusive ? "< " : "<= ") + format_number(max);
  return text;
}

std::string describe_json_value(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

JsonObjectReader::JsonObjectReader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object())
    throw ConfigError((path_.empty() ? std::string("experiment") : path_) + ": expected an object, got " +
                      type_name(object_));
}

bool JsonObjectReader::has(const std::string& key) const { return object_.contains(key); }

std::string JsonObjectReader::path_of(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void JsonObjectReader::fail(const std::string& key, const std::string& message) const {
  throw ConfigError(path_of(key) + ": " + message);
}

const Json* JsonObjectReader::lookup(const std::string& key) {
  read_.insert(key);
  const auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

std::string JsonObjectReader::string(const std::string& key, const std::string& fallback) {
  const Json* v = lookup(key);
  if (!v) return fallback;
  if (!v->is_string()) fail(key, "expected a string, got " + type_name(*v) + " " + describe_json_value(*v));
  return v->get<std::string>();
}

std::string JsonObjectReader::required_string(const std::string& key) {
  if (!has(key)) fail(key, "required");
  const std::string value = string(key, "");
  if (value.empty()) fail(key, "must not be empty");
  return value;
}

std::string JsonObjectReader::choice(const std::string& key, const std::string& fallback,
                                     std::initializer_list<const char*> allowed) {
  return choice(key, fallback, std::vector<std::string>(allowed.begin(), allowed.end()));
}

std::string JsonObjectReader::choice(const std::string& key, const std::string& fallback,
                                     const std::vector<std::string>& allowed) {
  const std::string value = string(key, fallback);
  for (const auto& a : allowed)
    if (value == a) return value;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(key, "must be one of " + list + "; got \"" + value + "\"");
}

std::int64_t JsonObjectReader::integer(const std::string& key, std::int64_t fallback, Range range) {
  const Json* v = lookup(key);
  if (!v) return fallback;
  if (!v->is_number_integer()) {
    if (v->is_number_float()) fail(key, "expected a whole number, got " + describe_json_value(*v));
    fail(key, "expected a whole number, got " + type_name(*v) + " " + describe_json_value(*v));
  }
  const auto value = v->get<std::int64_t>();
  if (!range.contains(static_cast<double>(value)))
    fail(key, "must be " + range.describe() + ", got " + std::to_string(value));
  return value;
}

double JsonObjectReader::number(const std::string& key, double fallback, Range range) {
  const Json* v = lookup(key);
  if (!v) return fallback;
  if (!v->is_number()) fail(key, "expected a number, got " + type_name(*v) + " " + describe_json_value(*v));
  const double value = v->get<double>();
  if (!range.contains(value)) fail(key, "must be " + range.describe() + ", got " + describe_json_value(*v));
  return value;
}

bool JsonObjectReader::boolean(const std::string& key, bool fallback) {
  const Json* v = lookup(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail(key, "expected true or false, got " + describe_json_value(*v));
  return v->get<bool>();
}

std::vector<std::int64_t> JsonObjectReader::integers(const std::string& key, std::vector<std::int64_t> fallback,
                                                     Range each) {
  const Json* v = lookup(key);
  if (!v) return fallback;
  if (!v->is_array()) fail(key, "expected an array of whole numbers, got " + type_name(*v));
  std::vector<std::int64_t> values;
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    const std::string item_key = key + "[" + std::to_string(i) + "]";
    if (!item.is_number_integer()) fail(item_key, "expected a whole number, got " + describe_json_value(item));
    const auto value = item.get<std::int64_t>();
    if (!each.contains(static_cast<double>(value)))
      fail(item_key, "must be " + each.describe() + ", got " + std::to_string(value));
    values.push_back(value);
  }
  return values;
}

std::vector<std::string> JsonObjectReader::strings(const std::string& key, std::vector<std::string> fallback) {
  const Json* v = lookup(key);
  if (!v) return fallback;
  if (!v->is_array()) fail(key, "expected an array of strings, got " + type_name(*v));
  std::vector<std::string> values;
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    if (!item.is_string())
      fail(key + "[" + std::to_string(i) + "]", "expected a string, got " + describe_json_value(item));
    values.push_back(item.get<std::string>());
  }
  return values;
}

std::vector<double> JsonObjectReader::numbers(const std::string& key, std::vector<double> fallback, Range each) {
  const Json* v = lookup(key);
  if (!v) return fallback;
  std::vector<double> values;
  const auto check = [&](const Json& item, const std::string& item_key) {
    if (!item.is_number())
      fail(item_key, "expected a number, got " + type_name(item) + " " + describe_json_value(item));
    const double value = item.get<double>();
    if (!each.contains(value)) fail(item_key, "must be " + each.describe() + ", got " + describe_json_value(item));
    values.push_back(value);
  };
  if (v->is_array()) {
    if (v->empty()) fail(key, "expected a number or a non-empty array of numbers");
    for (size_t i = 0; i < v->size(); ++i) check((*v)[i], key + "[" + std::to_string(i) + "]");
  } else {
    check(*v, key);
  }
  return values;
}

JsonObjectReader JsonObjectReader::object(const std::string& key) {
  const Json* v = lookup(key);
  if (!v) return JsonObjectReader(empty_object(), path_of(key));
  if (!v->is_object()) fail(key, "expected an object, got " + type_name(*v));
  return JsonObjectReader(*v, path_of(key));
}

std::vector<JsonObjectReader> JsonObjectReader::objects(const std::string& key) {
  std::vector<JsonObjectReader> readers;
  const Json* v = lookup(key);
  if (!v) return readers;
  if (!v->is_array()) fail(key, "expected an array of objects, got " + type_name(*v));
  for (std::size_t i = 0; i < v->size(); ++i) {
    const std::string item = path_of(key) + "[" + std::to_string(i) + "]";
    if (!(*v)[i].is_object()) throw ConfigError(item + ": expected an object, got " + type_name((*v)[i]));
    readers.emplace_back((*v)[i], item);
  }
  return readers;
}

void JsonObjectReader::finish() const {
  for (const auto& item : object_.items()) {
    if (read_.count(item.key())) continue;
    std::string closest;
    size_t best = 3;  // suggest only near misses
    for (const auto& known : read_) {
      const size_t d = edit_distance(item.key(), known);
      if (d < best) best = d, closest = known;
    }
    throw ConfigError(path_of(item.key()) + ": unknown key" +
                      (closest.empty() ? std::string() : " (did you mean \"" + path_of(closest) + "\"?)"));
  }
}

void JsonObjectReader::fail_not_used_by(const std::string& key, const std::string& kind,
                                        const std::vector<std::string>& users, const std::string& actual) const {
  std::string list;
  for (size_t i = 0; i < users.size(); ++i)
    list += std::string(i == 0 ? "" : i + 1 == users.size() ? " and " : ", ") + "\"" + users[i] + "\"";
  fail(key, "only used by " + kind + (users.size() == 1 ? " " : "s ") + list + ", not \"" + actual + "\"");
}

}  // namespace cradle
