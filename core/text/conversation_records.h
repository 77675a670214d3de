#pragma once
// Dialogue and preference data in the JSON Lines layouts of TRL and
// Anthropic's HH-RLHF, read into one shape for fine-tuning and alignment:
//   dialogue:   {"prompt": "...", "response"|"completion": "..."}
//               {"messages": [{"role": "system"|"user"|"assistant", "content": "..."}, ...]}
//   preference: {"prompt": "...", "chosen": "...", "rejected": "..."}
//               {"prompt": [messages], "chosen": [messages], "rejected": [messages]}   (TRL conversational)
//               {"chosen": "\n\nHuman: ...\n\nAssistant: ...", "rejected": "..."}  (HH-RLHF transcripts)
//   prompt:     any of the above, or {"prompt": "..."} alone: the conversation up to its last user turn
// Needs no LibTorch, so the fuzz target links it alone.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
  bool operator==(const ChatMessage& other) const { return role == other.role && content == other.content; }
};

struct Dialogue {
  std::vector<ChatMessage> messages;  // at least one, the last from the assistant
  std::string origin;                 // "path:line"
};

struct PreferencePair {
  std::vector<ChatMessage> prompt;  // the conversation so far, ending with a user turn
  std::string chosen;               // the preferred assistant reply
  std::string rejected;             // the other one
  std::string origin;
};

struct ChatPrompt {
  std::vector<ChatMessage> messages;  // ends with a user turn
  std::string origin;
};

struct DialogueSet {
  std::vector<Dialogue> dialogues;
  std::vector<std::string> skipped;  // bad lines left out (skip_bad_records)
};

struct PreferenceSet {
  std::vector<PreferencePair> pairs;
  std::vector<std::string> skipped;
  // Labels from the rating panel whose "verdict" is "tie" or "skip": no preference, left out.
  std::int64_t undecided = 0;
};

struct PromptSet {
  std::vector<ChatPrompt> prompts;
  std::vector<std::string> skipped;
};

// DataError naming origin:line for any line that fits none of the layouts,
// unless skip_bad_records, which collects the messages in `skipped`.
DialogueSet parse_dialogue_jsonl(std::string_view content, const std::string& origin, bool skip_bad_records = false);
PreferenceSet parse_preference_jsonl(std::string_view content, const std::string& origin,
                                     bool skip_bad_records = false);
PromptSet parse_prompt_jsonl(std::string_view content, const std::string& origin, bool skip_bad_records = false);

// "\n\nHuman: hi\n\nAssistant: hello" as messages; DataError (without a
// location: the caller adds it) when the text has no such turns.
std::vector<ChatMessage> parse_hh_transcript(std::string_view transcript);

}  // namespace cradle
