#pragma once
// The HTTP service's request bodies, parsed strictly (no LibTorch, so the fuzz
// target runs them): JSON objects with known fields of the right types and
// ranges; anything else is a RequestError whose message the client receives
// with status 400.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cradle {

class RequestError : public std::runtime_error {
 public:
  // `param`: the request field at fault, where one is (OpenAI's error shape names it).
  explicit RequestError(const std::string& message, std::string param = "")
      : std::runtime_error(message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

// What a bundle's /v1/predict reads.
enum class PredictInputs { Texts, Images, Rows };

// One table row: column name and cell text (numbers written back exactly, "" for null).
using TableRecord = std::vector<std::pair<std::string, std::string>>;

struct PredictBody {
  std::vector<std::string> inputs;  // texts, or images' bytes (decoded from base64)
  std::vector<TableRecord> rows;    // table models
  std::int64_t top_k = 3;
};

struct GenerateBody {
  std::string prompt;
  std::int64_t max_tokens = 64;
  double temperature = 1.0;
  std::int64_t top_k = 0;
  double top_p = 1.0;
  double repetition_penalty = 1.0;
  std::optional<std::uint64_t> seed;  // none: the service draws a fresh one
  bool stream = false;
};

// Both parsers refuse a body that is not UTF-8 (JSON text must be), naming the byte.
// POST /v1/predict: {"inputs": [...], "top_k": 3}; images as base64 strings,
// texts as strings, table rows as objects of column: number, string or null.
// At most `max_inputs` inputs.
PredictBody parse_predict_body(const std::string& body, PredictInputs kind, std::size_t max_inputs);
// POST /v1/generate: {"prompt": "...", "max_tokens": 64, "temperature": 1, "top_k": 0, "top_p": 1,
// "repetition_penalty": 1, "seed": 0, "stream": false}; max_tokens at most `max_tokens_limit`.
GenerateBody parse_generate_body(const std::string& body, std::int64_t max_tokens_limit);

// The values of every header named `name` (lower case) in a request head
// (request line and headers, up to the blank line).
std::vector<std::string> header_values(const std::string& head, const std::string& name);
// What is wrong with a request head that httplib would mishandle, or "" when
// nothing is: a Content-Length that is not a plain decimal number (a negative
// one hung until the read timeout), or two that disagree.
std::string request_head_problem(const std::string& head);

// RFC 4648 base64 (padding required, no line breaks); RequestError naming the offset of a bad character.
std::string decode_base64(const std::string& text, const std::string& what);

}  // namespace cradle
