#include "core/serve/request_fields.h"

#include "core/common/utf8.h"

namespace cradle {

RequestJson parse_request_object(const std::string& body) {
  if (const auto bad = first_invalid_utf8_byte(body))
    throw RequestError("the body is not valid UTF-8 at byte " + std::to_string(*bad) + " (JSON text must be UTF-8)");
  RequestJson doc;
  try {
    doc = RequestJson::parse(body);
  } catch (const RequestJson::exception& error) {  // parse_error, and out_of_range for a number too large
    throw RequestError(std::string("the body is not valid JSON: ") + error.what());
  }
  if (!doc.is_object()) throw RequestError("the body must be a JSON object");
  return doc;
}

std::int64_t whole_field(const RequestJson& doc, const char* key, std::int64_t fallback, std::int64_t low,
                         std::int64_t high) {
  if (!doc.contains(key) || doc[key].is_null()) return fallback;
  const auto& v = doc[key];
  if (!v.is_number_integer()) throw RequestError(std::string("\"") + key + "\" must be a whole number", key);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    throw RequestError(std::string("\"") + key + "\" must be from " + std::to_string(low) + " to " +
                           std::to_string(high) + ", got " + v.dump(),
                       key);
  const auto value = v.get<std::int64_t>();
  if (value < low || value > high)
    throw RequestError(std::string("\"") + key + "\" must be from " + std::to_string(low) + " to " +
                           std::to_string(high) + ", got " + std::to_string(value),
                       key);
  return value;
}

double real_field(const RequestJson& doc, const char* key, double fallback, double low, double high, bool low_open) {
  if (!doc.contains(key) || doc[key].is_null()) return fallback;
  const auto& v = doc[key];
  if (!v.is_number()) throw RequestError(std::string("\"") + key + "\" must be a number", key);
  const double value = v.get<double>();
  if (value > high || value < low || (low_open && value == low))
    throw RequestError(std::string("\"") + key + "\" must be " + (low_open ? "above " : "from ") +
                           RequestJson(low).dump() + " to " + RequestJson(high).dump() + ", got " + v.dump(),
                       key);
  return value;
}

bool boolean_field(const RequestJson& doc, const char* key, bool fallback) {
  if (!doc.contains(key) || doc[key].is_null()) return fallback;
  if (!doc[key].is_boolean()) throw RequestError(std::string("\"") + key + "\" must be true or false", key);
  return doc[key].get<bool>();
}

}  // namespace cradle
