#include "core/hub/tokenizer/added_tokens.h"

#include <algorithm>
#include <cctype>

#include "core/common/error.h"
#include "core/hub/tokenizer/tokenizer_json_fields.h"

namespace cradle {
namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_word_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || std::isalnum(byte) || c == '_';
}

}  // namespace

AddedTokens AddedTokens::from_json(const nlohmann::json& entries, const std::string& where) {
  AddedTokens added;
  if (entries.is_null()) return added;
  if (!entries.is_array()) throw ConfigError(where + ": expected an array, found " + entries.type_name());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string here = where + "[" + std::to_string(i) + "]";
    AddedToken token;
    token.id = optional_integer(entries[i], "id", -1, here);
    if (token.id < 0) throw ConfigError(here + ".id: expected an id of 0 or more");
    token.content = required_string(entries[i], "content", here);
    if (token.content.empty()) throw ConfigError(here + ".content: an added token cannot be empty");
    token.single_word = optional_bool(entries[i], "single_word", false, here);
    token.lstrip = optional_bool(entries[i], "lstrip", false, here);
    token.rstrip = optional_bool(entries[i], "rstrip", false, here);
    token.special = optional_bool(entries[i], "special", false, here);
    added.by_id_[token.id] = added.tokens_.size();
    added.by_first_byte_[static_cast<unsigned char>(token.content.front())].push_back(added.tokens_.size());
    added.tokens_.push_back(std::move(token));
  }
  for (auto& candidates : added.by_first_byte_)
    std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
      return added.tokens_[a].content.size() > added.tokens_[b].content.size();
    });
  return added;
}

std::optional<std::size_t> AddedTokens::longest_match_at(std::string_view text, std::size_t at) const {
  for (const std::size_t index : by_first_byte_[static_cast<unsigned char>(text[at])]) {
    const auto& token = tokens_[index];
    if (text.compare(at, token.content.size(), token.content) != 0) continue;
    const std::size_t end = at + token.content.size();
    if (token.single_word && ((at > 0 && is_word_byte(text[at - 1])) || (end < text.size() && is_word_byte(text[end]))))
      continue;
    return index;
  }
  return std::nullopt;
}

std::vector<TextSection> AddedTokens::split(std::string_view text) const {
  std::vector<TextSection> sections;
  std::size_t plain_from = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto match = longest_match_at(text, at);
    if (!match) {
      ++at;
      continue;
    }
    const auto& token = tokens_[*match];
    std::size_t plain_to = at, after = at + token.content.size();
    if (token.lstrip)
      while (plain_to > plain_from && is_ascii_space(text[plain_to - 1])) --plain_to;
    if (token.rstrip)
      while (after < text.size() && is_ascii_space(text[after])) ++after;
    if (plain_to > plain_from) sections.push_back({text.substr(plain_from, plain_to - plain_from), std::nullopt});
    sections.push_back({text.substr(plain_to, after - plain_to), token.id});
    plain_from = at = after;
  }
  if (plain_from < text.size()) sections.push_back({text.substr(plain_from), std::nullopt});
  return sections;
}

const AddedToken* AddedTokens::find(std::int64_t id) const {
  const auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : &tokens_[found->second];
}

const AddedToken* AddedTokens::find(std::string_view content) const {
  for (const auto& token : tokens_)
    if (token.content == content) return &token;
  return nullptr;
}

}  // namespace cradle
