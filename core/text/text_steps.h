#pragma once
// The text preprocessing steps of an experiment (data.steps): an ordered list
// the user edits, each entry {"op": ..., parameters}. Parsing validates every
// parameter with its JSON path; to_json writes the canonical form back.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

struct TextStep {
  // "strip_html" | "normalize_unicode" | "remove_control" | "remove_symbols" | "collapse_whitespace" |
  // "lowercase" | "filter_length" | "dedup_exact" | "dedup_near"
  std::string op;
  std::string form = "NFKC";         // normalize_unicode: "NFKC" | "NFC"
  std::vector<std::string> classes;  // remove_symbols: "emoji", "punctuation", "digits", "symbols"
  bool keep_newlines = true;         // collapse_whitespace
  std::int64_t min_chars = 1;        // filter_length, in code points
  std::int64_t max_chars = 0;        // filter_length: 0 for no limit
  std::int64_t shingle_size = 5;     // dedup_near: code points per shingle
  double threshold = 0.8;            // dedup_near: Jaccard similarity that counts as a duplicate
  std::int64_t num_hashes = 128;     // dedup_near: MinHash signature length
  std::int64_t bands = 0;            // dedup_near: LSH bands; 0 picks them from the threshold
};

const std::vector<std::string>& text_step_ops();

TextStep parse_text_step(JsonObjectReader reader);
Json text_step_to_json(const TextStep& step);

}  // namespace cradle
