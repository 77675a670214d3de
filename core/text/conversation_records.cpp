#include "core/text/conversation_records.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/common/error.h"
#include "core/text/jsonl_reader.h"

namespace cradle {
namespace {
using Json = nlohmann::ordered_json;

const std::string& string_field(const Json& object, const char* key, const std::string& where) {
  const auto found = object.find(key);
  if (found == object.end()) throw DataError(where + ": no \"" + key + "\" field");
  if (!found->is_string())
    throw DataError(where + ": \"" + key + "\" must be a string, got " + describe_json_type(*found));
  return found->get_ref<const std::string&>();
}

std::vector<ChatMessage> message_list(const Json& value, const std::string& where, const std::string& key) {
  if (!value.is_array())
    throw DataError(where + ": \"" + key + "\" must be an array of messages, got " + describe_json_type(value));
  std::vector<ChatMessage> messages;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string item = where + ": " + key + "[" + std::to_string(i) + "]";
    if (!value[i].is_object())
      throw DataError(item + ": expected {\"role\", \"content\"}, got " + describe_json_type(value[i]));
    ChatMessage message{string_field(value[i], "role", item), string_field(value[i], "content", item)};
    if (message.role != "system" && message.role != "user" && message.role != "assistant")
      throw DataError(item + ": role must be \"system\", \"user\" or \"assistant\", got \"" + message.role + "\"");
    messages.push_back(std::move(message));
  }
  if (messages.empty()) throw DataError(where + ": \"" + key + "\" has no messages");
  return messages;
}

// The reply of a TRL conversational "chosen"/"rejected": one assistant message.
std::string single_reply(const Json& value, const std::string& where, const std::string& key) {
  const auto messages = message_list(value, where, key);
  if (messages.size() != 1 || messages.front().role != "assistant")
    throw DataError(where + ": \"" + key + "\" must hold exactly one assistant message, got " +
                    std::to_string(messages.size()) + " message(s)");
  return messages.front().content;
}

void require_assistant_last(const std::vector<ChatMessage>& messages, const std::string& where) {
  if (messages.back().role != "assistant")
    throw DataError(where + ": the last message must be the assistant's, got \"" + messages.back().role + "\"");
}

void require_user_last(const std::vector<ChatMessage>& messages, const std::string& where) {
  if (messages.empty() || messages.back().role != "user")
    throw DataError(where + ": the prompt must end with a user message");
}

}  // namespace

std::vector<ChatMessage> parse_hh_transcript(std::string_view transcript) {
  static const std::string human = "\n\nHuman:", assistant = "\n\nAssistant:";
  std::vector<ChatMessage> messages;
  // Some dumps drop the blank lines before the first turn.
  const std::size_t position = transcript.find(human);
  std::string text;
  if (position != std::string_view::npos)
    text = std::string(transcript.substr(position));
  else if (transcript.rfind("Human:", 0) == 0)
    text = "\n\n" + std::string(transcript);
  else
    throw DataError("no \"\\n\\nHuman:\" turn");
  std::size_t at = 0;
  while (at < text.size()) {
    const bool is_human = text.compare(at, human.size(), human) == 0;
    const bool is_assistant = text.compare(at, assistant.size(), assistant) == 0;
    if (!is_human && !is_assistant) break;
    const std::size_t start = at + (is_human ? human.size() : assistant.size());
    const std::size_t next_h = text.find(human, start), next_a = text.find(assistant, start);
    const std::size_t next = std::min(next_h, next_a);
    std::string content = text.substr(start, next == std::string::npos ? std::string::npos : next - start);
    const auto first = content.find_first_not_of(' ');
    content = first == std::string::npos ? std::string() : content.substr(first);
    messages.push_back({is_human ? "user" : "assistant", std::move(content)});
    at = next == std::string::npos ? text.size() : next;
  }
  if (messages.empty()) throw DataError("no \"\\n\\nHuman:\" turn");
  return messages;
}

DialogueSet parse_dialogue_jsonl(std::string_view content, const std::string& origin, bool skip_bad_records) {
  DialogueSet set;
  for_each_jsonl_object(
      content, origin,
      [&](const Json& object, const std::string& where) {
        Dialogue dialogue;
        dialogue.origin = where;
        if (object.contains("messages")) {
          dialogue.messages = message_list(object["messages"], where, "messages");
          require_assistant_last(dialogue.messages, where);
        } else if (object.contains("prompt")) {
          const char* reply_key = object.contains("completion") ? "completion" : "response";
          dialogue.messages = {{"user", string_field(object, "prompt", where)},
                               {"assistant", string_field(object, reply_key, where)}};
        } else {
          throw DataError(where + ": expected {\"prompt\", \"response\"} or {\"messages\": [...]}");
        }
        set.dialogues.push_back(std::move(dialogue));
      },
      skip_bad_records ? &set.skipped : nullptr);
  return set;
}

PreferenceSet parse_preference_jsonl(std::string_view content, const std::string& origin, bool skip_bad_records) {
  PreferenceSet set;
  for_each_jsonl_object(
      content, origin,
      [&](const Json& object, const std::string& where) {
        if (const auto verdict = object.find("verdict");
            verdict != object.end() && verdict->is_string() && (*verdict == "tie" || *verdict == "skip")) {
          ++set.undecided;  // the rating panel's ties and skips say nothing about which reply is better
          return;
        }
        if (!object.contains("chosen") || !object.contains("rejected"))
          throw DataError(where +
                          ": expected {\"prompt\", \"chosen\", \"rejected\"} or HH-RLHF {\"chosen\", \"rejected\"}");
        PreferencePair pair;
        pair.origin = where;
        const Json& chosen = object["chosen"];
        const Json& rejected = object["rejected"];
        if (object.contains("prompt") && object["prompt"].is_array()) {
          pair.prompt = message_list(object["prompt"], where, "prompt");
          require_user_last(pair.prompt, where);
          pair.chosen = single_reply(chosen, where, "chosen");
          pair.rejected = single_reply(rejected, where, "rejected");
        } else if (object.contains("prompt")) {
          pair.prompt = {{"user", string_field(object, "prompt", where)}};
          pair.chosen = string_field(object, "chosen", where);
          pair.rejected = string_field(object, "rejected", where);
        } else {
          // HH-RLHF: two whole transcripts that share every turn but the last reply.
          std::vector<ChatMessage> a, b;
          try {
            a = parse_hh_transcript(string_field(object, "chosen", where));
            b = parse_hh_transcript(string_field(object, "rejected", where));
          } catch (const DataError& error) {
            const std::string message = error.what();
            if (message.rfind(where, 0) == 0) throw;
            throw DataError(where + ": " + message);
          }
          require_assistant_last(a, where + ": chosen");
          require_assistant_last(b, where + ": rejected");
          if (a.size() != b.size() || !std::equal(a.begin(), a.end() - 1, b.begin()))
            throw DataError(where + ": \"chosen\" and \"rejected\" must share every turn before the last reply");
          pair.chosen = a.back().content;
          pair.rejected = b.back().content;
          a.pop_back();
          pair.prompt = std::move(a);
          require_user_last(pair.prompt, where);
        }
        set.pairs.push_back(std::move(pair));
      },
      skip_bad_records ? &set.skipped : nullptr);
  return set;
}

PromptSet parse_prompt_jsonl(std::string_view content, const std::string& origin, bool skip_bad_records) {
  PromptSet set;
  for_each_jsonl_object(
      content, origin,
      [&](const Json& object, const std::string& where) {
        ChatPrompt prompt;
        prompt.origin = where;
        if (object.contains("prompt") && object["prompt"].is_array()) {
          prompt.messages = message_list(object["prompt"], where, "prompt");
        } else if (object.contains("prompt")) {
          prompt.messages = {{"user", string_field(object, "prompt", where)}};
        } else if (object.contains("messages")) {
          prompt.messages = message_list(object["messages"], where, "messages");
        } else if (object.contains("chosen") && object["chosen"].is_string()) {
          try {
            prompt.messages = parse_hh_transcript(object["chosen"].get<std::string>());
          } catch (const DataError& error) {
            throw DataError(where + ": chosen: " + error.what());
          }
        } else {
          throw DataError(where +
                          ": expected {\"prompt\": ...}, {\"messages\": [...]} or an HH-RLHF {\"chosen\"} transcript");
        }
        // The conversation up to its last user turn: what the policy answers.
        while (!prompt.messages.empty() && prompt.messages.back().role != "user") prompt.messages.pop_back();
        require_user_last(prompt.messages, where);
        set.prompts.push_back(std::move(prompt));
      },
      skip_bad_records ? &set.skipped : nullptr);
  return set;
}

}  // namespace cradle
