// libFuzzer target: JSON Lines with a text field, dialogue and preference
// layouts, PPO's prompts, the rating panel's labels. Bad lines must end in a DataError (or be counted as skipped);
// accepted records must be well formed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/align/preference_labels.h"
#include "core/common/error.h"
#include "core/common/utf8.h"
#include "core/text/conversation_records.h"
#include "core/text/jsonl_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    cradle::TextCorpus corpus;
    cradle::read_jsonl_texts(input, "fuzz.jsonl", "text", false, corpus);
    for (const auto& record : corpus.records)
      if (cradle::first_invalid_utf8_byte(record.text)) __builtin_trap();
  } catch (const cradle::DataError&) {}
  try {  // labelled records (text classification), bad lines skipped: never throws, every record labelled
    cradle::TextCorpus corpus;
    cradle::read_jsonl_texts(input, "fuzz.jsonl", "text", true, corpus, "label");
    for (const auto& record : corpus.records)
      if (record.label.empty() || cradle::first_invalid_utf8_byte(record.label)) __builtin_trap();
  } catch (const cradle::DataError&) {
    __builtin_trap();
  }
  try {
    const auto set = cradle::parse_dialogue_jsonl(input, "fuzz.jsonl", true);
    for (const auto& dialogue : set.dialogues)
      if (dialogue.messages.empty() || dialogue.messages.back().role != "assistant") __builtin_trap();
  } catch (const cradle::DataError&) {
    __builtin_trap();  // skip mode collects bad lines instead of throwing
  }
  try {
    const auto set = cradle::parse_preference_jsonl(input, "fuzz.jsonl", false);
    for (const auto& pair : set.pairs)
      if (pair.prompt.empty() || pair.prompt.back().role != "user") __builtin_trap();
  } catch (const cradle::DataError&) {}
  try {  // PPO's prompts: every accepted prompt ends with the user's turn
    const auto set = cradle::parse_prompt_jsonl(input, "fuzz.jsonl", true);
    for (const auto& prompt : set.prompts)
      if (prompt.messages.empty() || prompt.messages.back().role != "user") __builtin_trap();
  } catch (const cradle::DataError&) {
    __builtin_trap();
  }
  try {  // the rating panel's labels: an accepted one survives writing and reading back unchanged
    cradle::for_each_jsonl_object(
        input, "fuzz.jsonl",
        [](const nlohmann::ordered_json& record, const std::string& where) {
          const auto label = cradle::preference_label_from_json(record, where);
          const auto again = cradle::preference_label_from_json(cradle::preference_label_to_json(label), where);
          if (again.item_id() != label.item_id() || again.verdict != label.verdict ||
              again.first_shown_left != label.first_shown_left || again.first_rating != label.first_rating)
            __builtin_trap();
        },
        nullptr);
  } catch (const cradle::DataError&) {}
  return 0;
}
