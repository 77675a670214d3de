// libFuzzer target: the bodies of OpenAI's completion endpoints
// (core/serve/openai_requests.h). The first byte chooses chat or plain
// completions; bad input must end in a RequestError, and what is accepted
// must respect the limits: tokens and choices within bounds, sampling values
// in range, at most 4 non-empty stop strings, known roles only.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/serve/openai_requests.h"

namespace {

void check_sampling(const cradle::OpenAiSampling& s, const cradle::OpenAiLimits& limits) {
  if (s.max_tokens < 1 || s.max_tokens > limits.max_tokens || s.n < 1 || s.n > limits.max_choices) __builtin_trap();
  if (!(s.temperature >= 0 && s.temperature <= 2) || !(s.top_p > 0 && s.top_p <= 1)) __builtin_trap();
  if (!(s.presence_penalty >= -2 && s.presence_penalty <= 2) ||
      !(s.frequency_penalty >= -2 && s.frequency_penalty <= 2))
    __builtin_trap();
  if (s.stop.size() > 4 || (s.include_usage && !s.stream)) __builtin_trap();
  for (const auto& stop : s.stop)
    if (stop.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  cradle::OpenAiLimits limits;
  limits.max_tokens = 64;
  limits.max_choices = 4;
  try {
    if (data[0] & 1) {
      const auto parsed = cradle::parse_chat_completion_body(body, limits);
      check_sampling(parsed, limits);
      if (parsed.messages.empty()) __builtin_trap();
      for (const auto& m : parsed.messages)
        if (m.role != "system" && m.role != "user" && m.role != "assistant") __builtin_trap();
    } else {
      const auto parsed = cradle::parse_completion_body(body, limits);
      check_sampling(parsed, limits);
      if (parsed.prompt.empty()) __builtin_trap();
    }
  } catch (const cradle::RequestError&) {}
  return 0;
}
