#pragma once
// The bodies of OpenAI's completion endpoints, parsed strictly (no LibTorch,
// so the fuzz target runs them): what `cradle-cli serve` answers at
// POST /v1/chat/completions and POST /v1/completions
// (https://platform.openai.com/docs/api-reference/chat/create). Fields Cradle
// cannot honour — tools and function calls, images and audio, log
// probabilities, logit biases, JSON output modes — are refused by name rather
// than ignored, so a client never silently gets less than it asked for. Each
// failure is a RequestError naming the field (the `param` of OpenAI's errors).
//
// Beside OpenAI's fields both accept `top_k` and `repetition_penalty`, as
// llama.cpp's and vLLM's servers do.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/serve/service_requests.h"
#include "core/text/conversation_records.h"

namespace cradle {

struct OpenAiSampling {
  std::string model;
  std::int64_t max_tokens = 0;  // max_tokens or max_completion_tokens; the endpoint's default when absent
  double temperature = 1.0;     // 0 to 2
  double top_p = 1.0;
  std::int64_t top_k = 0;
  double repetition_penalty = 1.0;
  double presence_penalty = 0.0;   // -2 to 2
  double frequency_penalty = 0.0;  // -2 to 2
  std::optional<std::uint64_t> seed;
  std::vector<std::string> stop;  // up to 4
  std::int64_t n = 1;             // choices
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage: a last chunk with the token counts
};

struct ChatCompletionBody : OpenAiSampling {
  std::vector<ChatMessage> messages;  // roles system (OpenAI's "developer" too), user, assistant
};

struct CompletionBody : OpenAiSampling {
  std::string prompt;
};

struct OpenAiLimits {
  std::int64_t max_tokens = 1024;         // the most a request may ask for
  std::int64_t default_max_tokens = 256;  // when it does not say
  std::int64_t max_choices = 16;          // n
};

ChatCompletionBody parse_chat_completion_body(const std::string& body, const OpenAiLimits& limits);
// `max_tokens` defaults to 16 here, as OpenAI's legacy completions do.
CompletionBody parse_completion_body(const std::string& body, const OpenAiLimits& limits);

}  // namespace cradle
