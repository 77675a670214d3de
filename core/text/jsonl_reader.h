#pragma once
// JSON Lines files: one JSON object per line, blank lines ignored. Every error
// names the file and the line (and the byte for invalid UTF-8). Needs no
// LibTorch, so the fuzz target links it alone.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/text_corpus.h"

namespace cradle {

// Calls visit(object, "origin:line") for each line. A line that is not valid
// UTF-8, not JSON or not an object is a DataError; when `bad_lines` is given
// it collects those messages instead and the line is skipped. An exception
// thrown by `visit` (a DataError for a missing field, say) is treated the same.
void for_each_jsonl_object(std::string_view content, const std::string& origin,
                           const std::function<void(const nlohmann::ordered_json&, const std::string&)>& visit,
                           std::vector<std::string>* bad_lines = nullptr);

// The string `field` of every object as a record; a missing or non-string field is a bad line.
// With a `label_field`, its value (a string, or an integer written in decimal)
// becomes the record's label; missing or another type is a bad line.
void read_jsonl_texts(std::string_view content, const std::string& origin, const std::string& field,
                      bool skip_bad_records, TextCorpus& corpus, const std::string& label_field = "");

TextCorpus read_jsonl_corpus(const std::vector<std::filesystem::path>& paths, const std::string& field,
                             const TextCorpusOptions& options, const std::string& label_field = "");

// "a string" or "an array", for messages.
std::string describe_json_type(const nlohmann::ordered_json& value);

}  // namespace cradle
