#include "core/serve/openai_endpoints.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>

#include "core/common/error.h"

namespace cradle {
namespace {

using OpenAiJson = nlohmann::ordered_json;  // fields in OpenAI's order, as clients print them

// Bytes that are not UTF-8 (a piece cut inside a character by a stop string) become U+FFFD.
std::string openai_json_text(const OpenAiJson& value) {
  return value.dump(-1, ' ', false, OpenAiJson::error_handler_t::replace);
}

const char* error_type(int status) {
  switch (status) {
    case 401: return "authentication_error";
    case 404: return "not_found_error";
    case 429: return "rate_limit_error";
    default: return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

// Our ends in OpenAI's two words: the model's end of text or a stop string is "stop", the token limit "length".
std::string openai_finish_reason(const std::string& reason) { return reason == "length" ? "length" : "stop"; }

std::string completion_id(bool chat) {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t start = std::random_device{}();
  char id[48];
  std::snprintf(id, sizeof id, "%s-%016llx", chat ? "chatcmpl" : "cmpl",
                static_cast<unsigned long long>(start * 0x9E3779B97F4A7C15ULL + counter.fetch_add(1)));
  return id;
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void answer_error(httplib::Response& res, int status, const std::string& message, const std::string& param = "",
                  const std::string& code = "") {
  res.status = status;
  res.set_content(openai_error_body(status, message, param, code), "application/json");
}

}  // namespace

std::string openai_error_body(int status, const std::string& message, const std::string& param,
                              const std::string& code) {
  OpenAiJson error = {{"message", message},
                      {"type", error_type(status)},
                      {"param", param.empty() ? OpenAiJson() : OpenAiJson(param)},
                      {"code", code.empty() ? OpenAiJson() : OpenAiJson(code)}};
  return openai_json_text(OpenAiJson{{"error", error}}) + "\n";
}

struct OpenAiEndpoints::Completion {
  bool chat = false;
  std::string id = completion_id(chat);
  std::int64_t created = unix_seconds();
  std::size_t prompt_tokens = 0;
  std::size_t choices = 1;
  bool include_usage = false;
  std::shared_ptr<GenerationChannel> channel = std::make_shared<GenerationChannel>();
  std::chrono::steady_clock::time_point arrival;

  // A chat reply's first piece loses the space between the role marker and the words.
  std::vector<bool> started;
  std::string trim_start(std::size_t choice, std::string piece) {
    if (!chat || started[choice]) return piece;
    if (!piece.empty() && piece.front() == ' ') piece.erase(0, 1);
    if (!piece.empty()) started[choice] = true;
    return piece;
  }
};

OpenAiEndpoints::OpenAiEndpoints(OpenAiModel model, GenerationScheduler& scheduler, ServiceMetrics& metrics,
                                 OpenAiLimits limits)
    : model_(std::move(model)), scheduler_(scheduler), metrics_(metrics), limits_(limits) {}

void OpenAiEndpoints::install(GuardedHttpServer& server) {
  const auto model_object = [this] {
    return OpenAiJson{{"id", model_.id}, {"object", "model"}, {"created", model_.created}, {"owned_by", "cradle"}};
  };
  server.Get("/v1/models", [this, model_object](const httplib::Request&, httplib::Response& res) {
    res.set_content(openai_json_text(OpenAiJson{{"object", "list"}, {"data", OpenAiJson::array({model_object()})}}),
                    "application/json");
    metrics_.record("/v1/models", 200, 0);
  });
  server.Get(R"(/v1/models/(.+))", [this, model_object](const httplib::Request& req, httplib::Response& res) {
    if (req.matches[1] == model_.id) {
      res.set_content(openai_json_text(model_object()), "application/json");
    } else {
      answer_error(
          res, 404,
          "The model '" + std::string(req.matches[1]) + "' does not exist; this server serves '" + model_.id + "'",
          "model", "model_not_found");
    }
    metrics_.record("/v1/models", res.status, 0);
  });
  server.Post("/v1/chat/completions",
              [this](const httplib::Request& req, httplib::Response& res) { complete(req, res, true); });
  server.Post("/v1/completions",
              [this](const httplib::Request& req, httplib::Response& res) { complete(req, res, false); });
  for (const char* path : {"/v1/chat/completions", "/v1/completions"})
    server.Get(path, [this, path](const httplib::Request&, httplib::Response& res) {
      answer_error(res, 405, std::string(path) + " takes POST with a JSON body");
      metrics_.record(path, 405, 0);
    });
}

namespace {

// A request refused before anything is queued: its status and OpenAI's message, param and code.
struct OpenAiRefusal {
  int status;
  std::string message, param, code;
};

}  // namespace

std::vector<std::int64_t> OpenAiEndpoints::read_prompt(const httplib::Request& req, bool chat,
                                                       OpenAiSampling& sampling) const {
  std::vector<std::int64_t> prompt;
  if (chat) {
    const ChatCompletionBody body = parse_chat_completion_body(req.body, limits_);
    sampling = body;
    if (!model_.chat)
      throw OpenAiRefusal{400,
                          "the model '" + model_.id +
                              "' has no chat format (it was not tuned to chat and has no chat template): use "
                              "POST /v1/completions with a prompt to continue",
                          "messages", ""};
    prompt = model_.chat->prompt(body.messages);
  } else {
    const CompletionBody body = parse_completion_body(req.body, limits_);
    sampling = body;
    const auto bytes = static_cast<std::size_t>(model_.context) * 16;  // see PredictionService's prompt check
    if (body.prompt.size() > bytes)
      throw OpenAiRefusal{400,
                          "the prompt is " + std::to_string(body.prompt.size()) + " bytes; this model reads at most " +
                              std::to_string(model_.context) + " tokens, so prompts are limited to " +
                              std::to_string(bytes) + " bytes",
                          "prompt", "context_length_exceeded"};
    prompt = scheduler_.generator().prompt_ids(body.prompt);
  }
  if (sampling.model != model_.id)
    throw OpenAiRefusal{
        404,
        "The model '" + sampling.model + "' does not exist; this server serves '" + model_.id + "' (GET /v1/models)",
        "model", "model_not_found"};
  if (static_cast<std::int64_t>(prompt.size()) > model_.context)
    throw OpenAiRefusal{400,
                        std::string(chat ? "the messages are " : "the prompt is ") + std::to_string(prompt.size()) +
                            " tokens; this model reads at most " + std::to_string(model_.context) +
                            " tokens of context",
                        chat ? "messages" : "prompt", "context_length_exceeded"};
  if (prompt.empty()) throw OpenAiRefusal{400, "the prompt has no tokens", chat ? "messages" : "prompt", ""};
  return prompt;
}

std::vector<GenerationChoice> OpenAiEndpoints::choices_for(const std::vector<std::int64_t>& prompt,
                                                           const OpenAiSampling& sampling) const {
  const std::uint64_t seed = sampling.seed ? *sampling.seed : fresh_generation_seed();
  std::vector<GenerationChoice> choices;
  for (std::int64_t i = 0; i < sampling.n; ++i) {
    GenerationChoice choice;
    choice.prompt = prompt;
    SamplingOptions& o = choice.options;
    o.max_new_tokens = sampling.max_tokens;
    o.temperature = sampling.temperature;
    o.top_p = sampling.top_p;
    o.top_k = sampling.top_k;
    o.repetition_penalty = sampling.repetition_penalty;
    o.presence_penalty = sampling.presence_penalty;
    o.frequency_penalty = sampling.frequency_penalty;
    o.stop = sampling.stop;
    o.seed = seed + static_cast<std::uint64_t>(i);  // n choices differ; each is had again from the seed
    if (model_.chat) o.end_ids = model_.chat->end_ids();
    choices.push_back(std::move(choice));
  }
  return choices;
}

void OpenAiEndpoints::complete(const httplib::Request& req, httplib::Response& res, bool chat) {
  const std::string endpoint = chat ? "/v1/chat/completions" : "/v1/completions";
  auto c = std::make_shared<Completion>();
  c->chat = chat;
  c->id = completion_id(chat);
  c->arrival = GuardedHttpServer::request_arrival();
  const auto refuse = [&](int status, const std::string& message, const std::string& param = "",
                          const std::string& code = "") {
    answer_error(res, status, message, param, code);
    metrics_.record(endpoint, status,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - c->arrival).count());
  };
  try {
    OpenAiSampling sampling;
    const auto prompt = read_prompt(req, chat, sampling);
    c->prompt_tokens = prompt.size();
    c->choices = static_cast<std::size_t>(sampling.n);
    c->include_usage = sampling.include_usage;
    c->started.assign(c->choices, false);
    scheduler_.submit(c->channel, choices_for(prompt, sampling), sampling.stream);
    if (sampling.stream)
      answer_stream(c, res);
    else
      answer_whole(c, res);
  } catch (const OpenAiRefusal& refusal) {
    refuse(refusal.status, refusal.message, refusal.param, refusal.code);
  } catch (const RequestError& error) {
    refuse(400, error.what(), error.param());
  } catch (const ConfigError& error) {
    refuse(400, error.what());
  } catch (const SchedulerBusy& error) {
    refuse(503, error.what());
  } catch (const std::exception& error) {
    refuse(500, std::string("the model failed on this request: ") + error.what());
  }
}

void OpenAiEndpoints::answer_whole(const std::shared_ptr<Completion>& c, httplib::Response& res) {
  std::vector<Generation> generations(c->choices);
  for (std::size_t finished = 0; finished < c->choices;) {
    GenerationEvent e;
    if (!c->channel->pop(e, std::chrono::milliseconds(1000))) continue;
    if (!e.error.empty()) {
      c->channel->cancel();
      throw std::runtime_error(e.error);
    }
    if (!e.finished) continue;
    generations[e.choice] = std::move(e.generation);
    ++finished;
  }
  OpenAiJson choices = OpenAiJson::array();
  std::size_t completion_tokens = 0;
  for (std::size_t i = 0; i < generations.size(); ++i) {
    const Generation& g = generations[i];
    completion_tokens += g.tokens.size();
    const std::string text = c->trim_start(i, g.text);
    OpenAiJson choice = {{"index", i}};
    if (c->chat)
      choice["message"] = {{"role", "assistant"}, {"content", text}};
    else
      choice["text"] = text;
    choice["logprobs"] = nullptr;
    choice["finish_reason"] = openai_finish_reason(g.finish_reason);
    choices.push_back(choice);
  }
  const OpenAiJson body = {{"id", c->id},
                           {"object", c->chat ? "chat.completion" : "text_completion"},
                           {"created", c->created},
                           {"model", model_.id},
                           {"choices", choices},
                           {"usage",
                            {{"prompt_tokens", c->prompt_tokens},
                             {"completion_tokens", completion_tokens},
                             {"total_tokens", c->prompt_tokens + completion_tokens}}}};
  res.status = 200;
  res.set_content(openai_json_text(body) + "\n", "application/json");
  metrics_.record(c->chat ? "/v1/chat/completions" : "/v1/completions", 200,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - c->arrival).count());
}

void OpenAiEndpoints::answer_stream(const std::shared_ptr<Completion>& c, httplib::Response& res) {
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  const std::string model = model_.id;
  res.set_chunked_content_provider(
      "text/event-stream",
      [c, model](std::size_t, httplib::DataSink& sink) {
        const auto send = [&sink](const std::string& data) {
          const std::string event = "data: " + data + "\n\n";
          return sink.write(event.data(), event.size());
        };
        const auto chunk = [&](OpenAiJson choices) {
          return openai_json_text({{"id", c->id},
                                   {"object", c->chat ? "chat.completion.chunk" : "text_completion"},
                                   {"created", c->created},
                                   {"model", model},
                                   {"choices", std::move(choices)}});
        };
        const auto delta = [&](std::size_t index, const std::string& text, const OpenAiJson& finish) {
          OpenAiJson choice = {{"index", index}};
          if (c->chat) {
            choice["delta"] = text.empty() && !finish.is_null() ? OpenAiJson::object() : OpenAiJson{{"content", text}};
          } else {
            choice["text"] = text;
          }
          choice["logprobs"] = nullptr;
          choice["finish_reason"] = finish;
          return OpenAiJson::array({choice});
        };
        bool open = true;
        if (c->chat)  // the role first, as OpenAI sends it
          for (std::size_t i = 0; i < c->choices && open; ++i) {
            OpenAiJson first = {{"index", i},
                                {"delta", {{"role", "assistant"}, {"content", ""}}},
                                {"logprobs", nullptr},
                                {"finish_reason", nullptr}};
            open = send(chunk(OpenAiJson::array({first})));
          }
        std::size_t completion_tokens = 0;
        for (std::size_t finished = 0; open && finished < c->choices;) {
          GenerationEvent e;
          if (!c->channel->pop(e, std::chrono::milliseconds(1000))) continue;
          if (!e.error.empty()) {
            send(openai_json_text(OpenAiJson::parse(openai_error_body(500, e.error))));
            break;
          }
          if (e.finished) {
            ++finished;
            completion_tokens += e.generation.tokens.size();
            open = send(chunk(delta(e.choice, "", openai_finish_reason(e.generation.finish_reason))));
            continue;
          }
          const std::string piece = c->trim_start(e.choice, e.piece);
          if (!piece.empty()) open = send(chunk(delta(e.choice, piece, nullptr)));
        }
        if (!open) {
          c->channel->cancel();  // the client left: its sequences stop at their next token
          return false;
        }
        if (c->include_usage) {
          OpenAiJson last = OpenAiJson::parse(chunk(OpenAiJson::array()));
          last["usage"] = {{"prompt_tokens", c->prompt_tokens},
                           {"completion_tokens", completion_tokens},
                           {"total_tokens", c->prompt_tokens + completion_tokens}};
          send(openai_json_text(last));
        }
        send("[DONE]");
        sink.done();
        return true;
      },
      [this, c](bool) {
        c->channel->cancel();  // finished or cut off: nothing more is wanted
        metrics_.record(c->chat ? "/v1/chat/completions" : "/v1/completions", 200,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - c->arrival).count());
      });
}

}  // namespace cradle
