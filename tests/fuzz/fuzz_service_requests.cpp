// libFuzzer target: the HTTP service's request bodies and request heads. The
// first byte chooses the endpoint (and for predict, images, texts or table
// rows); bad input must end in a RequestError, and what is accepted must
// respect the limits. Every input is also checked as a request head: a head
// found sound must declare at most one plain decimal Content-Length.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/serve/service_requests.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (cradle::request_head_problem(body).empty())
    for (const auto& length : cradle::header_values(body, "content-length"))
      if (length.empty() || length.size() > 18 || length.find_first_not_of("0123456789") != std::string::npos)
        __builtin_trap();
  try {
    if (data[0] & 1) {
      const auto parsed = cradle::parse_generate_body(body, 512);
      if (parsed.max_tokens < 1 || parsed.max_tokens > 512 || parsed.top_p <= 0 || parsed.top_p > 1 ||
          parsed.temperature < 0)
        __builtin_trap();
    } else {
      const auto kind = (data[0] & 6) == 2   ? cradle::PredictInputs::Images
                        : (data[0] & 6) == 4 ? cradle::PredictInputs::Rows
                                             : cradle::PredictInputs::Texts;
      const auto parsed = cradle::parse_predict_body(body, kind, 16);
      const auto count = kind == cradle::PredictInputs::Rows ? parsed.rows.size() : parsed.inputs.size();
      if (count == 0 || count > 16 || parsed.top_k < 1 ||
          (kind == cradle::PredictInputs::Rows) != parsed.inputs.empty())
        __builtin_trap();
    }
  } catch (const cradle::RequestError&) {}
  return 0;
}
