#pragma once
// Reads one JSON object of the experiment file field by field, checking each
// value's type and range and remembering which keys were read, so that finish()
// can reject keys nobody asked for (typos such as "lrr"). Every error is a
// ConfigError whose message starts with the field's JSON path.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cradle {

using Json = nlohmann::ordered_json;

// A closed or open numeric interval, described in messages as "> 0", ">= 1" or
// "between 0 and 1".
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;

  static Range at_least(double v) { return {v, std::numeric_limits<double>::infinity(), false, false}; }
  static Range greater_than(double v) { return {v, std::numeric_limits<double>::infinity(), true, false}; }
  static Range between(double lo, double hi) { return {lo, hi, false, false}; }
  bool contains(double v) const;
  std::string describe() const;
};

class JsonObjectReader {
 public:
  // `path` is the JSON path of `object` ("" for the document root).
  JsonObjectReader(const Json& object, std::string path);

  bool has(const std::string& key) const;
  std::string path_of(const std::string& key) const;

  std::string string(const std::string& key, const std::string& fallback);
  std::string required_string(const std::string& key);
  std::string choice(const std::string& key, const std::string& fallback, std::initializer_list<const char*> allowed);
  std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
  std::int64_t integer(const std::string& key, std::int64_t fallback, Range range = {});
  double number(const std::string& key, double fallback, Range range = {});
  bool boolean(const std::string& key, bool fallback);
  std::vector<std::int64_t> integers(const std::string& key, std::vector<std::int64_t> fallback, Range each = {});
  std::vector<std::string> strings(const std::string& key, std::vector<std::string> fallback);
  // One number or a non-empty array of numbers.
  std::vector<double> numbers(const std::string& key, std::vector<double> fallback, Range each = {});
  // The value at key as it is (marked as read), or nullptr when absent.
  const Json* raw(const std::string& key) { return lookup(key); }
  // The sub-object at key, or an empty object when the key is absent.
  JsonObjectReader object(const std::string& key);
  // The objects of the array at key ("key[0]", "key[1]", ... in messages);
  // empty when the key is absent.
  std::vector<JsonObjectReader> objects(const std::string& key);

  // Throws for a key present but never read, naming the closest known key.
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // "only used by model types \"mlp\" and \"cnn\", not \"gpt\"": `kind` is the
  // singular ("model type"); `users` the values that read the field.
  [[noreturn]] void fail_not_used_by(const std::string& key, const std::string& kind,
                                     const std::vector<std::string>& users, const std::string& actual) const;

 private:
  const Json* lookup(const std::string& key);

  const Json& object_;
  std::string path_;
  std::set<std::string> read_;
};

// Short, readable rendering of a JSON value for messages: -0.1, "abc", an array.
std::string describe_json_value(const Json& value);

}  // namespace cradle
