#pragma once
// tokenizer.json's "added_tokens": strings matched in the text before
// anything else (special tokens such as `<|im_start|>` or `<s>`, and tokens
// added for fine-tuning), each one id. The text between them is normalised,
// cut into words and encoded by the model. Matching is leftmost, longest
// first, on the raw text; lstrip/rstrip take the white space beside a token
// into it; single_word matches only a whole word.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace cradle {

struct AddedToken {
  std::int64_t id = 0;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, special = false;
};

// A stretch of the input: plain text for the model, or one added token.
struct TextSection {
  std::string_view text;
  std::optional<std::int64_t> token_id;
};

class AddedTokens {
 public:
  // ConfigError naming `where` and the entry for a malformed one.
  static AddedTokens from_json(const nlohmann::json& entries, const std::string& where);

  std::vector<TextSection> split(std::string_view text) const;
  const AddedToken* find(std::int64_t id) const;
  const AddedToken* find(std::string_view content) const;
  const std::vector<AddedToken>& all() const { return tokens_; }

 private:
  std::optional<std::size_t> longest_match_at(std::string_view text, std::size_t at) const;
  std::vector<AddedToken> tokens_;
  std::unordered_map<std::int64_t, std::size_t> by_id_;
  std::vector<std::size_t> by_first_byte_[256];  // longest content first
};

}  // namespace cradle
