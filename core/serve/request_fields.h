#pragma once
// Reading a request body's JSON fields strictly, shared by the service's own
// endpoints (core/serve/service_requests.h) and the OpenAI-compatible ones
// (core/serve/openai_requests.h): each failure a RequestError naming the field.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "core/serve/service_requests.h"

namespace cradle {

using RequestJson = nlohmann::json;  // plain: the order of a request's fields does not matter

// The body as a JSON object; RequestError when it is not UTF-8 (naming the byte), not JSON or not an object.
RequestJson parse_request_object(const std::string& body);
// doc[key] as a whole number in [low, high], `fallback` when absent.
std::int64_t whole_field(const RequestJson& doc, const char* key, std::int64_t fallback, std::int64_t low,
                         std::int64_t high);
// doc[key] as a number in [low, high] (or (low, high] when `low_open`), `fallback` when absent.
double real_field(const RequestJson& doc, const char* key, double fallback, double low, double high,
                  bool low_open = false);
// doc[key] as true or false, `fallback` when absent.
bool boolean_field(const RequestJson& doc, const char* key, bool fallback);

}  // namespace cradle
