#include "core/text/jsonl_reader.h"

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utf8.h"

namespace cradle {

std::string describe_json_type(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::null: return "null";
    case nlohmann::ordered_json::value_t::object: return "an object";
    case nlohmann::ordered_json::value_t::array: return "an array";
    case nlohmann::ordered_json::value_t::string: return "a string";
    case nlohmann::ordered_json::value_t::boolean: return "a boolean";
    default: return "a number";
  }
}

void for_each_jsonl_object(std::string_view content, const std::string& origin,
                           const std::function<void(const nlohmann::ordered_json&, const std::string&)>& visit,
                           std::vector<std::string>* bad_lines) {
  std::size_t offset = 0;
  if (content.substr(0, 3) == "\xEF\xBB\xBF") offset = 3;
  std::int64_t line_number = 0;
  while (offset < content.size()) {
    ++line_number;
    const std::size_t newline = content.find('\n', offset);
    const std::size_t end = newline == std::string_view::npos ? content.size() : newline;
    const std::string_view line = content.substr(offset, end - offset);
    const std::string where = origin + ":" + std::to_string(line_number);
    const std::size_t line_offset = offset;
    offset = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      if (const auto bad = first_invalid_utf8_byte(line))
        throw DataError(where + ": invalid UTF-8 at byte " + std::to_string(line_offset + *bad) + " of " + origin);
      nlohmann::ordered_json value;
      try {
        value = nlohmann::ordered_json::parse(line);
      } catch (const nlohmann::ordered_json::exception& error) {
        std::string message = error.what();
        const auto bracket = message.find("] ");
        if (bracket != std::string::npos) message = message.substr(bracket + 2);
        // nlohmann counts lines and columns within the one line it was given.
        const auto at_line = message.find("at line 1, ");
        if (at_line != std::string::npos) message.replace(at_line, 11, "at ");
        throw DataError(where + ": not JSON: " + message);
      }
      if (!value.is_object()) throw DataError(where + ": expected a JSON object, got " + describe_json_type(value));
      visit(value, where);
    } catch (const DataError& error) {
      if (!bad_lines) throw;
      bad_lines->push_back(error.what());
    }
  }
}

void read_jsonl_texts(std::string_view content, const std::string& origin, const std::string& field,
                      bool skip_bad_records, TextCorpus& corpus, const std::string& label_field) {
  for_each_jsonl_object(
      content, origin,
      [&](const nlohmann::ordered_json& object, const std::string& where) {
        const auto found = object.find(field);
        if (found == object.end()) throw DataError(where + ": no \"" + field + "\" field");
        if (!found->is_string())
          throw DataError(where + ": \"" + field + "\" must be a string, got " + describe_json_type(*found));
        const auto& text = found->get_ref<const std::string&>();
        std::string label;
        if (!label_field.empty()) {
          const auto class_value = object.find(label_field);
          if (class_value == object.end()) throw DataError(where + ": no \"" + label_field + "\" field (the class)");
          if (class_value->is_string())
            label = class_value->get<std::string>();
          else if (class_value->is_number_integer())
            label = class_value->dump();
          else
            throw DataError(where + ": \"" + label_field + "\" must be a string or an integer, got " +
                            describe_json_type(*class_value));
          if (label.empty()) throw DataError(where + ": \"" + label_field + "\" is empty");
        }
        if (text.find_first_not_of(" \t\r\n") != std::string::npos) corpus.records.push_back({text, where, label});
      },
      skip_bad_records ? &corpus.skipped : nullptr);
}

TextCorpus read_jsonl_corpus(const std::vector<std::filesystem::path>& paths, const std::string& field,
                             const TextCorpusOptions& options, const std::string& label_field) {
  TextCorpus corpus;
  for (const auto& file : expand_text_paths(paths, options.include, options.exclude)) {
    corpus.files.push_back(file.string());
    read_jsonl_texts(read_file(file), file.string(), field, options.skip_bad_records, corpus, label_field);
  }
  return corpus;
}

}  // namespace cradle
