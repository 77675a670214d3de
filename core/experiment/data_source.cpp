#include "core/experiment/data_source.h"

#include <stdexcept>

#include "core/common/enum_names.h"

namespace cradle {
namespace {
constexpr DataSource kSources[] = {
    DataSource::Idx,   DataSource::Cifar10, DataSource::ImageFolder, DataSource::Csv,         DataSource::Text,
    DataSource::Jsonl, DataSource::Tokens,  DataSource::Dialogues,   DataSource::Preferences, DataSource::Prompts};
}  // namespace

std::string to_string(DataSource source) {
  switch (source) {
    case DataSource::Idx: return "idx";
    case DataSource::Cifar10: return "cifar10";
    case DataSource::ImageFolder: return "image_folder";
    case DataSource::Csv: return "csv";
    case DataSource::Text: return "text";
    case DataSource::Jsonl: return "jsonl";
    case DataSource::Tokens: return "tokens";
    case DataSource::Dialogues: return "dialogues";
    case DataSource::Preferences: return "preferences";
    case DataSource::Prompts: return "prompts";
  }
  throw std::logic_error("to_string(DataSource): a value outside the enumeration");
}

std::optional<DataSource> parse_data_source(const std::string& name) { return parse_enum_name(name, kSources); }

std::vector<std::string> data_source_names() { return enum_names(kSources); }

bool is_image_source(DataSource s) {
  return s == DataSource::Idx || s == DataSource::Cifar10 || s == DataSource::ImageFolder;
}

bool is_text_source(DataSource s) { return s == DataSource::Text || s == DataSource::Jsonl; }

bool is_conversation_source(DataSource s) {
  return s == DataSource::Dialogues || s == DataSource::Preferences || s == DataSource::Prompts;
}

}  // namespace cradle
