#pragma once
// Where an experiment's samples come from: its data.source. Spelled as a
// string only in the experiment file (to_string and parse_data_source
// convert); which fields each source reads is parse_data's
// (core/experiment/experiment.cpp).
#include <optional>
#include <string>
#include <vector>

namespace cradle {

enum class DataSource {
  Idx,          // the MNIST / Fashion-MNIST layout: four IDX files
  Cifar10,      // CIFAR-10's binary batches
  ImageFolder,  // one sub-folder of PNG, JPEG or BMP files per class
  Csv,          // a table with a header row
  Text,         // plain-text files
  Jsonl,        // JSON Lines with a text field
  Tokens,       // a folder of token files already tokenised (core/data/token_corpus.h), mapped rather than read
  Dialogues,    // JSONL conversations for supervised fine-tuning (core/text/conversation_records.h)
  Preferences,  // JSONL preference pairs for the reward model and DPO
  Prompts,      // JSONL prompts for PPO's rollouts (a record's conversation up to its last user turn)
};

std::string to_string(DataSource source);  // "idx", "cifar10", "image_folder", "csv", "text", "jsonl", "tokens", ...
std::optional<DataSource> parse_data_source(const std::string& name);
std::vector<std::string> data_source_names();  // every source, in the order above

bool is_image_source(DataSource source);         // idx, cifar10, image_folder
bool is_text_source(DataSource source);          // text, jsonl
bool is_conversation_source(DataSource source);  // dialogues, preferences, prompts: rendered through a chat template

}  // namespace cradle
