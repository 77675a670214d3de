#pragma once
// Character-level tokenizer: one id per Unicode code point seen in training
// (the most frequent first, cut where character_coverage is reached), the
// base special tokens, and extra special tokens (chat role markers) matched
// as whole strings before characters.
#include <nlohmann/json.hpp>

#include <string>
#include <unordered_map>
#include <vector>

#include "core/text/tokenizer.h"

namespace cradle {

class CharTokenizer : public Tokenizer {
 public:
  // `specials`: the full list in id order, starting with the base four.
  CharTokenizer(std::vector<std::string> specials, std::vector<std::string> characters);

  static CharTokenizer train(const TokenizerSpec& spec, const std::vector<std::string>& texts);
  // A saved tokenizer.json; DataError naming `where` when malformed.
  static CharTokenizer from_json(const nlohmann::ordered_json& document, const std::string& where);

  std::string type() const override { return "char"; }
  std::int64_t vocab_size() const override { return static_cast<std::int64_t>(specials_.size() + characters_.size()); }
  std::vector<std::int64_t> encode(std::string_view text) const override;
  std::string decode(const std::vector<std::int64_t>& ids) const override;
  std::string token_text(std::int64_t id) const override;
  void save(const std::filesystem::path& file) const override;

  const std::vector<std::string>& characters() const { return characters_; }
  const std::vector<std::string>& specials() const { return specials_; }

 private:
  std::vector<std::string> specials_;
  std::vector<std::string> characters_;  // each one code point, UTF-8
  std::unordered_map<std::string, std::int64_t> ids_;
};

}  // namespace cradle
