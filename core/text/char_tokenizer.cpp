#include "core/text/char_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utf8.h"

namespace cradle {
namespace {

std::size_t code_point_length(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }

}  // namespace

CharTokenizer::CharTokenizer(std::vector<std::string> specials, std::vector<std::string> characters)
    : specials_(std::move(specials)), characters_(std::move(characters)) {
  for (std::size_t i = 0; i < specials_.size(); ++i) ids_.emplace(specials_[i], static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < characters_.size(); ++i)
    ids_.emplace(characters_[i], static_cast<std::int64_t>(specials_.size() + i));
}

CharTokenizer CharTokenizer::train(const TokenizerSpec& spec, const std::vector<std::string>& texts) {
  std::map<std::string, std::int64_t> counts;
  std::int64_t total = 0;
  for (const auto& text : texts) {
    for (std::size_t i = 0; i < text.size();) {
      const std::size_t length = std::min(code_point_length(static_cast<unsigned char>(text[i])), text.size() - i);
      ++counts[text.substr(i, length)];
      ++total;
      i += length;
    }
  }
  std::vector<std::pair<std::string, std::int64_t>> ranked(counts.begin(), counts.end());
  // Most frequent first; ties in code point order, so training is deterministic.
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> specials(std::begin(kBaseSpecialTokens), std::end(kBaseSpecialTokens));
  specials.insert(specials.end(), spec.special_tokens.begin(), spec.special_tokens.end());
  const std::int64_t limit = spec.vocab_size > 0 ? spec.vocab_size - static_cast<std::int64_t>(specials.size())
                                                 : static_cast<std::int64_t>(ranked.size());
  if (limit < 1)
    throw ConfigError("data.tokenizer.vocab_size: " + std::to_string(spec.vocab_size) + " leaves no room beside the " +
                      std::to_string(specials.size()) + " special tokens");
  std::vector<std::string> characters;
  std::int64_t covered = 0;
  for (const auto& [character, count] : ranked) {
    if (static_cast<std::int64_t>(characters.size()) >= limit) break;
    if (total > 0 && static_cast<double>(covered) / static_cast<double>(total) >= spec.character_coverage) break;
    characters.push_back(character);
    covered += count;
  }
  return CharTokenizer(std::move(specials), std::move(characters));
}

std::vector<std::int64_t> CharTokenizer::encode(std::string_view text) const {
  std::vector<std::int64_t> ids;
  ids.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool matched = false;
    for (std::size_t s = 4; s < specials_.size(); ++s) {  // role markers, as whole strings
      if (text.compare(i, specials_[s].size(), specials_[s]) == 0) {
        ids.push_back(static_cast<std::int64_t>(s));
        i += specials_[s].size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const std::size_t length = std::min(code_point_length(static_cast<unsigned char>(text[i])), text.size() - i);
    const auto found = ids_.find(std::string(text.substr(i, length)));
    ids.push_back(found == ids_.end() || found->second < static_cast<std::int64_t>(specials_.size()) ? kUnkId
                                                                                                     : found->second);
    i += length;
  }
  return ids;
}

std::string CharTokenizer::token_text(std::int64_t id) const {
  if (id < 0 || id >= vocab_size()) return "<invalid>";
  const auto index = static_cast<std::size_t>(id);
  return index < specials_.size() ? specials_[index] : characters_[index - specials_.size()];
}

std::string CharTokenizer::decode(const std::vector<std::int64_t>& ids) const {
  std::string text;
  for (const auto id : ids) {
    if (id == kPadId || id == kBosId || id == kEosId) continue;
    text += id == kUnkId ? std::string("\xEF\xBF\xBD") : token_text(id);  // U+FFFD for unknown characters
  }
  return text;
}

void CharTokenizer::save(const std::filesystem::path& file) const {
  const nlohmann::ordered_json document = {
      {"format_version", 1}, {"type", "char"}, {"special_tokens", specials_}, {"characters", characters_}};
  write_text_atomically(file, document.dump(1) + "\n");
}

CharTokenizer CharTokenizer::from_json(const nlohmann::ordered_json& document, const std::string& where) {
  const auto strings = [&](const char* key) {
    if (!document.contains(key) || !document[key].is_array())
      throw DataError(where + ": \"" + std::string(key) + "\" must be an array of strings");
    std::vector<std::string> values;
    for (const auto& value : document[key]) {
      if (!value.is_string()) throw DataError(where + ": \"" + std::string(key) + "\" must be an array of strings");
      values.push_back(value.get<std::string>());
    }
    return values;
  };
  auto specials = strings("special_tokens");
  auto characters = strings("characters");
  for (std::size_t i = 0; i < 4; ++i)
    if (i >= specials.size() || specials[i] != kBaseSpecialTokens[i])
      throw DataError(where + ": special_tokens must start with <pad>, <unk>, <bos>, <eos>");
  for (const auto& c : characters)
    if (c.empty() || first_invalid_utf8_byte(c) || code_point_length(static_cast<unsigned char>(c[0])) != c.size())
      throw DataError(where + ": \"characters\" must hold single characters, got \"" + c + "\"");
  return CharTokenizer(std::move(specials), std::move(characters));
}

}  // namespace cradle
