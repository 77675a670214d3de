#include "core/serve/service_requests.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "core/serve/request_fields.h"

namespace cradle {
namespace {

void only_fields(const RequestJson& doc, const std::set<std::string>& known) {
  for (const auto& [key, value] : doc.items()) {
    if (known.count(key)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw RequestError("unknown field \"" + key + "\"; expected " + list);
  }
}

std::string lower_case(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::vector<std::string> header_values(const std::string& head, const std::string& name) {
  std::vector<std::string> values;
  std::size_t line_start = head.find('\n');  // past the request line
  while (line_start != std::string::npos && line_start + 1 < head.size()) {
    const std::size_t next = head.find('\n', line_start + 1);
    const std::string line =
        head.substr(line_start + 1, next == std::string::npos ? std::string::npos : next - line_start - 1);
    line_start = next;
    const auto colon = line.find(':');
    if (colon != std::string::npos && lower_case(trimmed(line.substr(0, colon))) == name)
      values.push_back(trimmed(line.substr(colon + 1)));
  }
  return values;
}

std::string request_head_problem(const std::string& head) {
  const auto lengths = header_values(head, "content-length");
  for (const auto& value : lengths) {
    const bool digits = !value.empty() && value.size() <= 18 &&
                        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return "Content-Length must be a whole number of bytes, got \"" + value.substr(0, 40) + "\"";
    if (value != lengths.front())
      return "two different Content-Length headers (" + lengths.front() + " and " + value + ")";
  }
  return "";
}

std::string decode_base64(const std::string& text, const std::string& what) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0)
    throw RequestError(what + ": base64 length " + std::to_string(text.size()) + " is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t group = 0;
    int padding = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      std::uint32_t value = 0;
      if (c == '=' && i + 4 == text.size() && k >= 2 && (k == 3 || text[i + 3] == '=')) {
        ++padding;
      } else {
        const auto found = alphabet.find(c);
        if (found == std::string::npos || padding > 0)
          throw RequestError(what + ": not base64 at character " + std::to_string(i + k));
        value = static_cast<std::uint32_t>(found);
      }
      group = (group << 6) | value;
    }
    out.push_back(static_cast<char>((group >> 16) & 0xFF));
    if (padding < 2) out.push_back(static_cast<char>((group >> 8) & 0xFF));
    if (padding < 1) out.push_back(static_cast<char>(group & 0xFF));
  }
  return out;
}

PredictBody parse_predict_body(const std::string& body, PredictInputs kind, std::size_t max_inputs) {
  const bool images = kind == PredictInputs::Images;
  const char* what = images                        ? "base64-encoded image files"
                     : kind == PredictInputs::Rows ? "table rows (objects of column: value)"
                                                   : "texts";
  const RequestJson doc = parse_request_object(body);
  only_fields(doc, {"inputs", "top_k"});
  if (!doc.contains("inputs") || !doc["inputs"].is_array())
    throw RequestError(std::string("\"inputs\" must be an array of ") + what);
  const auto& inputs = doc["inputs"];
  if (inputs.empty()) throw RequestError("\"inputs\" is empty");
  if (inputs.size() > max_inputs)
    throw RequestError("\"inputs\" holds " + std::to_string(inputs.size()) + " items; at most " +
                       std::to_string(max_inputs) + " per request");
  PredictBody parsed;
  parsed.top_k = whole_field(doc, "top_k", 3, 1, 1000);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string where = "inputs[" + std::to_string(i) + "]";
    if (kind == PredictInputs::Rows) {
      if (!inputs[i].is_object()) throw RequestError(where + " must be an object of column: value");
      TableRecord record;
      for (const auto& [column, value] : inputs[i].items()) {
        if (value.is_string()) {
          record.emplace_back(column, value.get<std::string>());
        } else if (value.is_null()) {
          record.emplace_back(column, "");
        } else if (value.is_number()) {
          char text[40];
          std::snprintf(text, sizeof text, "%.17g", value.get<double>());  // read back to the same double
          record.emplace_back(column, text);
        } else {
          throw RequestError(where + "." + column + " must be a number, a string or null");
        }
      }
      parsed.rows.push_back(std::move(record));
      continue;
    }
    if (!inputs[i].is_string())
      throw RequestError(where + " must be a string" + (images ? " (a base64-encoded image file)" : ""));
    parsed.inputs.push_back(images ? decode_base64(inputs[i].get<std::string>(), where) : inputs[i].get<std::string>());
  }
  return parsed;
}

GenerateBody parse_generate_body(const std::string& body, std::int64_t max_tokens_limit) {
  const RequestJson doc = parse_request_object(body);
  only_fields(doc, {"prompt", "max_tokens", "temperature", "top_k", "top_p", "repetition_penalty", "seed", "stream"});
  GenerateBody parsed;
  if (!doc.contains("prompt") || !doc["prompt"].is_string()) throw RequestError("\"prompt\" must be a string");
  parsed.prompt = doc["prompt"].get<std::string>();
  parsed.max_tokens = whole_field(doc, "max_tokens", parsed.max_tokens, 1, max_tokens_limit);
  parsed.temperature = real_field(doc, "temperature", parsed.temperature, 0, 100);
  parsed.top_k = whole_field(doc, "top_k", 0, 0, 10000000);
  parsed.top_p = real_field(doc, "top_p", 1.0, 0, 1, /*low_open=*/true);
  parsed.repetition_penalty = real_field(doc, "repetition_penalty", 1.0, 0, 100, /*low_open=*/true);
  if (doc.contains("seed") && !doc["seed"].is_null())
    parsed.seed = static_cast<std::uint64_t>(whole_field(doc, "seed", 0, 0, INT64_MAX));
  parsed.stream = boolean_field(doc, "stream", false);
  return parsed;
}

}  // namespace cradle
