#pragma once
// OpenAI's HTTP API over a language-model bundle, so that the chat front ends
// and agent libraries people already have (Open WebUI, LangChain, the
// `openai` packages) talk to `cradle-cli serve` as they talk to llama.cpp's
// server, vLLM or Ollama:
//   GET  /v1/models, GET /v1/models/{id}   the one model served
//   POST /v1/chat/completions              messages in the bundle's chat format
//   POST /v1/completions                   a plain prompt continued
// Both completions answer whole or, with "stream": true, as server-sent events
// (`data: {chunk}` … `data: [DONE]`), with `usage` counts and finish_reason
// "stop" or "length". Errors take OpenAI's shape,
// {"error": {"message", "type", "param", "code"}}, with its status codes.
// Generation goes through the service's GenerationScheduler (continuous batching).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/serve/generation_scheduler.h"
#include "core/serve/guarded_http_server.h"
#include "core/serve/openai_requests.h"
#include "core/serve/service_metrics.h"
#include "core/text/chat_format.h"

namespace cradle {

struct OpenAiModel {
  std::string id;                          // what /v1/models lists and requests name
  std::int64_t context = 0;                // tokens the model reads
  std::int64_t created = 0;                // seconds since 1970 (the bundle's creation)
  std::shared_ptr<const ChatFormat> chat;  // null: the model continues text and has no chat format
};

// {"error": {...}} in OpenAI's shape; `type` follows the status (invalid_request_error, authentication_error,
// not_found_error, server_error).
std::string openai_error_body(int status, const std::string& message, const std::string& param = "",
                              const std::string& code = "");

class OpenAiEndpoints {
 public:
  OpenAiEndpoints(OpenAiModel model, GenerationScheduler& scheduler, ServiceMetrics& metrics, OpenAiLimits limits);
  // Adds the routes (and their 405s for the wrong method) to `server`.
  void install(GuardedHttpServer& server);

 private:
  struct Completion;  // one request on its way: choices, channel, how to write its chunks
  void complete(const httplib::Request& req, httplib::Response& res, bool chat);
  // The body parsed into `sampling` and the prompt's ids, the model and the length checked;
  // a refusal (OpenAiRefusal, RequestError) otherwise.
  std::vector<std::int64_t> read_prompt(const httplib::Request& req, bool chat, OpenAiSampling& sampling) const;
  // One sequence per choice (`n`), each with its own seed.
  std::vector<GenerationChoice> choices_for(const std::vector<std::int64_t>& prompt,
                                            const OpenAiSampling& sampling) const;
  void answer_whole(const std::shared_ptr<Completion>& c, httplib::Response& res);
  void answer_stream(const std::shared_ptr<Completion>& c, httplib::Response& res);

  OpenAiModel model_;
  GenerationScheduler& scheduler_;
  ServiceMetrics& metrics_;
  OpenAiLimits limits_;
};

}  // namespace cradle
