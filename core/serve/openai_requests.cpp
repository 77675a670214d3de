#include "core/serve/openai_requests.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/serve/request_fields.h"

namespace cradle {
namespace {

// OpenAI fields Cradle cannot honour, and why: refused by name, never ignored.
const std::map<std::string, std::string>& unsupported_fields() {
  static const std::map<std::string, std::string> fields = {
      {"tools", "tools and function calling are not supported"},
      {"tool_choice", "tools and function calling are not supported"},
      {"functions", "tools and function calling are not supported"},
      {"function_call", "tools and function calling are not supported"},
      {"parallel_tool_calls", "tools and function calling are not supported"},
      {"logit_bias", "logit biases are not supported"},
      {"top_logprobs", "log probabilities are not supported"},
      {"audio", "audio output is not supported"},
      {"modalities", "only text output is supported"},
      {"prediction", "predicted outputs are not supported"},
      {"web_search_options", "web search is not supported"},
      {"reasoning_effort", "this model does not reason in separate steps"},
      {"suffix", "suffixes (insertion) are not supported"},
      {"echo", "echoing the prompt is not supported"},
      {"best_of", "best_of is not supported; use n"},
  };
  return fields;
}

// Every field of the body is one the endpoint reads, or refused naming it.
void check_fields(const RequestJson& doc, const std::set<std::string>& known) {
  for (const auto& [key, value] : doc.items()) {
    if (known.count(key)) continue;
    const auto& unsupported = unsupported_fields();
    // A field sent empty or off (false, null) asks for nothing it would change.
    const bool off = value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
                     (key == "best_of" && value.is_number_integer() && value.get<std::int64_t>() == 1) ||
                     ((value.is_array() || value.is_object()) && value.empty());
    if (const auto found = unsupported.find(key); found != unsupported.end()) {
      if (off) continue;
      throw RequestError("\"" + key + "\": " + found->second + " by this server", key);
    }
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw RequestError("unknown field \"" + key + "\"; this endpoint reads " + list, key);
  }
}

std::string text_field(const RequestJson& doc, const char* key, bool required) {
  if (!doc.contains(key) || doc[key].is_null()) {
    if (required) throw RequestError(std::string("\"") + key + "\" is required", key);
    return "";
  }
  if (!doc[key].is_string()) throw RequestError(std::string("\"") + key + "\" must be a string", key);
  return doc[key].get<std::string>();
}

void parse_sampling(const RequestJson& doc, const OpenAiLimits& limits, std::int64_t default_max_tokens,
                    OpenAiSampling& s) {
  s.model = text_field(doc, "model", true);
  // The endpoint's default never asks for more than the server allows (a server may cap max_tokens below it).
  s.max_tokens = whole_field(doc, "max_tokens", std::min(default_max_tokens, limits.max_tokens), 1, limits.max_tokens);
  s.max_tokens = whole_field(doc, "max_completion_tokens", s.max_tokens, 1, limits.max_tokens);
  s.temperature = real_field(doc, "temperature", 1.0, 0, 2);
  s.top_p = real_field(doc, "top_p", 1.0, 0, 1, /*low_open=*/true);
  s.top_k = whole_field(doc, "top_k", 0, 0, 10000000);
  s.repetition_penalty = real_field(doc, "repetition_penalty", 1.0, 0, 100, /*low_open=*/true);
  s.presence_penalty = real_field(doc, "presence_penalty", 0.0, -2, 2);
  s.frequency_penalty = real_field(doc, "frequency_penalty", 0.0, -2, 2);
  if (doc.contains("seed") && !doc["seed"].is_null())
    s.seed = static_cast<std::uint64_t>(whole_field(doc, "seed", 0, INT64_MIN, INT64_MAX));
  s.n = whole_field(doc, "n", 1, 1, limits.max_choices);
  s.stream = boolean_field(doc, "stream", false);
  if (doc.contains("stream_options") && !doc["stream_options"].is_null()) {
    const auto& options = doc["stream_options"];
    if (!options.is_object()) throw RequestError("\"stream_options\" must be an object", "stream_options");
    if (!s.stream) throw RequestError("\"stream_options\" is only allowed with \"stream\": true", "stream_options");
    for (const auto& [key, value] : options.items())
      if (key != "include_usage")
        throw RequestError("unknown field \"stream_options." + key + "\"; it reads include_usage", "stream_options");
    s.include_usage = boolean_field(options, "include_usage", false);
  }
  if (doc.contains("stop") && !doc["stop"].is_null()) {
    const auto& stop = doc["stop"];
    if (stop.is_string()) {
      s.stop.push_back(stop.get<std::string>());
    } else if (stop.is_array() && stop.size() <= 4) {
      for (const auto& one : stop) {
        if (!one.is_string()) throw RequestError("\"stop\" must hold strings", "stop");
        s.stop.push_back(one.get<std::string>());
      }
    } else {
      throw RequestError("\"stop\" must be a string or an array of at most 4 strings", "stop");
    }
    for (const auto& one : s.stop)
      if (one.empty()) throw RequestError("\"stop\" holds an empty string", "stop");
  }
  if (doc.contains("logprobs") && !doc["logprobs"].is_null() &&
      !(doc["logprobs"].is_boolean() && !doc["logprobs"].get<bool>()))
    throw RequestError("\"logprobs\": log probabilities are not supported by this server", "logprobs");
  if (doc.contains("user") && !doc["user"].is_string()) throw RequestError("\"user\" must be a string", "user");
}

// A message's content: a string, or text parts joined; images and audio refused naming the part.
std::string message_content(const RequestJson& content, const std::string& where) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) throw RequestError(where + " must be a string or an array of text parts", "messages");
  std::string text;
  for (std::size_t j = 0; j < content.size(); ++j) {
    const auto& part = content[j];
    const std::string at = where + "[" + std::to_string(j) + "]";
    if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
      throw RequestError(at + " must be an object with a \"type\"", "messages");
    const std::string type = part["type"].get<std::string>();
    if (type != "text")
      throw RequestError(at + ": parts of type \"" + type + "\" are not supported (this model reads text only)",
                         "messages");
    if (!part.contains("text") || !part["text"].is_string())
      throw RequestError(at + ".text must be a string", "messages");
    text += part["text"].get<std::string>();
  }
  return text;
}

}  // namespace

ChatCompletionBody parse_chat_completion_body(const std::string& body, const OpenAiLimits& limits) {
  const RequestJson doc = parse_request_object(body);
  check_fields(doc, {"model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k",
                     "repetition_penalty", "presence_penalty", "frequency_penalty", "seed", "n", "stream",
                     "stream_options", "stop", "logprobs", "user"});
  ChatCompletionBody parsed;
  parse_sampling(doc, limits, limits.default_max_tokens, parsed);
  if (!doc.contains("messages") || !doc["messages"].is_array() || doc["messages"].empty())
    throw RequestError("\"messages\" must be a non-empty array of {\"role\", \"content\"}", "messages");
  const auto& messages = doc["messages"];
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const auto& m = messages[i];
    if (!m.is_object()) throw RequestError(where + " must be an object", "messages");
    for (const auto& [key, value] : m.items())
      if (key != "role" && key != "content")
        throw RequestError(where + "." + key + ": " +
                               (key == "tool_calls" || key == "tool_call_id" || key == "function_call"
                                    ? "tools and function calling are not supported by this server"
                                    : "not supported by this server (a message holds role and content)"),
                           "messages");
    if (!m.contains("role") || !m["role"].is_string()) throw RequestError(where + ".role must be a string", "messages");
    std::string role = m["role"].get<std::string>();
    if (role == "developer") role = "system";  // OpenAI's newer name for the system message
    if (role != "system" && role != "user" && role != "assistant")
      throw RequestError(where + ".role \"" + role + "\" is not supported (system, developer, user or assistant)",
                         "messages");
    if (!m.contains("content")) throw RequestError(where + ".content is required", "messages");
    parsed.messages.push_back({role, message_content(m["content"], where + ".content")});
  }
  return parsed;
}

CompletionBody parse_completion_body(const std::string& body, const OpenAiLimits& limits) {
  const RequestJson doc = parse_request_object(body);
  check_fields(
      doc, {"model", "prompt", "max_tokens", "temperature", "top_p", "top_k", "repetition_penalty", "presence_penalty",
            "frequency_penalty", "seed", "n", "stream", "stream_options", "stop", "logprobs", "user"});
  CompletionBody parsed;
  parse_sampling(doc, limits, 16, parsed);
  if (!doc.contains("prompt")) throw RequestError("\"prompt\" is required", "prompt");
  const auto& prompt = doc["prompt"];
  if (prompt.is_string()) {
    parsed.prompt = prompt.get<std::string>();
  } else if (prompt.is_array() && prompt.size() == 1 && prompt[0].is_string()) {
    parsed.prompt = prompt[0].get<std::string>();
  } else if (prompt.is_array() && !prompt.empty() && prompt[0].is_number_integer()) {
    throw RequestError("\"prompt\": token arrays are not supported by this server; send the text", "prompt");
  } else {
    throw RequestError("\"prompt\" must be a string (or an array of one string)", "prompt");
  }
  if (parsed.prompt.empty()) throw RequestError("\"prompt\" is empty", "prompt");
  return parsed;
}

}  // namespace cradle
