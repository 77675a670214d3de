#include "core/hub/tokenizer/tokenizer_json_fields.h"

#include "core/common/error.h"

namespace cradle {
namespace {

const nlohmann::json* field_of(const nlohmann::json& spec, const char* key, const std::string& where) {
  if (!spec.is_object()) throw ConfigError(where + ": expected an object, found " + spec.type_name());
  const auto found = spec.find(key);
  return found == spec.end() || found->is_null() ? nullptr : &*found;
}

[[noreturn]] void wrong_type(const std::string& where, const char* key, const char* expected,
                             const nlohmann::json& found) {
  throw ConfigError(where + "." + key + ": expected " + expected + ", found " + found.type_name());
}

}  // namespace

const std::string& required_string(const nlohmann::json& spec, const char* key, const std::string& where) {
  const auto* field = field_of(spec, key, where);
  if (!field) throw ConfigError(where + ": \"" + key + "\" is missing");
  if (!field->is_string()) wrong_type(where, key, "a string", *field);
  return field->get_ref<const std::string&>();
}

const nlohmann::json& required_array(const nlohmann::json& spec, const char* key, const std::string& where) {
  const auto* field = field_of(spec, key, where);
  if (!field) throw ConfigError(where + ": \"" + key + "\" is missing");
  if (!field->is_array()) wrong_type(where, key, "an array", *field);
  return *field;
}

bool optional_bool(const nlohmann::json& spec, const char* key, bool fallback, const std::string& where) {
  const auto* field = field_of(spec, key, where);
  if (!field) return fallback;
  if (!field->is_boolean()) wrong_type(where, key, "true or false", *field);
  return field->get<bool>();
}

std::string optional_string(const nlohmann::json& spec, const char* key, const std::string& fallback,
                            const std::string& where) {
  const auto* field = field_of(spec, key, where);
  if (!field) return fallback;
  if (!field->is_string()) wrong_type(where, key, "a string", *field);
  return field->get<std::string>();
}

std::int64_t optional_integer(const nlohmann::json& spec, const char* key, std::int64_t fallback,
                              const std::string& where) {
  const auto* field = field_of(spec, key, where);
  if (!field) return fallback;
  if (!field->is_number_integer()) wrong_type(where, key, "an integer", *field);
  return field->get<std::int64_t>();
}

UnicodePattern read_pattern(const nlohmann::json& spec, const std::string& where) {
  const auto* pattern = field_of(spec, "pattern", where);
  if (!pattern || !pattern->is_object())
    throw ConfigError(where + ".pattern: expected {\"String\": ...} or {\"Regex\": ...}");
  const std::string here = where + ".pattern";
  if (pattern->contains("String")) return UnicodePattern::literal(required_string(*pattern, "String", here), here);
  if (pattern->contains("Regex")) return UnicodePattern::regex(required_string(*pattern, "Regex", here), here);
  throw ConfigError(here + ": expected {\"String\": ...} or {\"Regex\": ...}");
}

PrependScheme read_prepend_scheme(const nlohmann::json& spec, const std::string& where) {
  if (const auto* scheme = field_of(spec, "prepend_scheme", where)) {
    if (!scheme->is_string()) wrong_type(where, "prepend_scheme", "a string", *scheme);
    const auto& name = scheme->get_ref<const std::string&>();
    if (name == "always") return PrependScheme::Always;
    if (name == "first") return PrependScheme::First;
    if (name == "never") return PrependScheme::Never;
    throw ConfigError(where + ".prepend_scheme: \"" + name + "\" is not always, first or never");
  }
  return optional_bool(spec, "add_prefix_space", true, where) ? PrependScheme::Always : PrependScheme::Never;
}

}  // namespace cradle
