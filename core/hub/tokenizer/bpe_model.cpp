#include "core/hub/tokenizer/bpe_model.h"

#include <cstdio>
#include <queue>

#include "core/common/error.h"
#include "core/hub/tokenizer/tokenizer_json_fields.h"

namespace cradle {
namespace {

std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

// A merge is "a b" (the older form, split at the one space) or ["a", "b"].
std::pair<std::string, std::string> merge_pair(const nlohmann::json& merge, const std::string& where) {
  if (merge.is_string()) {
    const auto& text = merge.get_ref<const std::string&>();
    const auto space = text.find(' ', 1);
    if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos)
      throw ConfigError(where + ": \"" + text + "\" is not two tokens separated by one space");
    return {text.substr(0, space), text.substr(space + 1)};
  }
  if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string())
    return {merge[0].get<std::string>(), merge[1].get<std::string>()};
  throw ConfigError(where + ": expected \"a b\" or [\"a\", \"b\"], found " + merge.dump());
}

}  // namespace

BpeModel BpeModel::from_json(const nlohmann::json& spec, const std::string& where) {
  const std::string type = optional_string(spec, "type", "BPE", where);
  if (type != "BPE")
    throw ConfigError(where + ".type: the model \"" + type +
                      "\" is not read by Cradle (it reads BPE, the model of GPT-2, Llama, Mistral, Qwen2 and "
                      "SmolLM tokenizers)");
  if (!optional_string(spec, "continuing_subword_prefix", "", where).empty() ||
      !optional_string(spec, "end_of_word_suffix", "", where).empty())
    throw ConfigError(where +
                      ": subword prefixes and suffixes (continuing_subword_prefix, end_of_word_suffix) "
                      "are not read by Cradle");
  BpeModel model;
  const auto vocab = spec.find("vocab");
  if (vocab == spec.end() || !vocab->is_object()) throw ConfigError(where + ".vocab: expected an object");
  model.ids_.reserve(vocab->size());
  // Vocabularies number their tokens 0, 1, 2, ...: an id far past the count is a broken file, not a big table.
  const std::int64_t id_ceiling = static_cast<std::int64_t>(vocab->size()) + (1 << 20);
  for (const auto& [token, id] : vocab->items()) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() >= id_ceiling)
      throw ConfigError(where + ".vocab[\"" + token + "\"]: the id must be an integer from 0 to " +
                        std::to_string(id_ceiling - 1) + " (the vocabulary's size plus 2^20)");
    const auto index = id.get<std::int32_t>();
    if (index >= static_cast<std::int32_t>(model.tokens_.size())) {
      model.tokens_.resize(index + 1);
      model.has_token_.resize(index + 1, false);
    }
    model.ids_.emplace(token, index);
    model.tokens_[index] = token;
    model.has_token_[index] = true;
  }
  const auto& merges = required_array(spec, "merges", where);
  model.merges_.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const std::string here = where + ".merges[" + std::to_string(rank) + "]";
    const auto [left, right] = merge_pair(merges[rank], here);
    const auto left_id = model.ids_.find(left), right_id = model.ids_.find(right);
    const auto merged_id = model.ids_.find(left + right);
    if (left_id == model.ids_.end() || right_id == model.ids_.end() || merged_id == model.ids_.end())
      throw ConfigError(here + ": \"" + left + "\", \"" + right + "\" or their merge \"" + left + right +
                        "\" is not in the vocabulary");
    model.merges_.emplace(pair_key(left_id->second, right_id->second),
                          Merge{static_cast<std::int32_t>(rank), merged_id->second});
  }
  const std::string unknown = optional_string(spec, "unk_token", "", where);
  if (!unknown.empty()) {
    const auto found = model.ids_.find(unknown);
    if (found == model.ids_.end())
      throw ConfigError(where + ".unk_token: \"" + unknown + "\" is not in the vocabulary");
    model.unknown_id_ = found->second;
  }
  model.byte_fallback_ = optional_bool(spec, "byte_fallback", false, where);
  model.fuse_unknown_ = optional_bool(spec, "fuse_unk", false, where);
  model.ignore_merges_ = optional_bool(spec, "ignore_merges", false, where);
  return model;
}

std::optional<std::int64_t> BpeModel::id_of(std::string_view token) const {
  const auto found = ids_.find(std::string(token));
  if (found == ids_.end()) return std::nullopt;
  return found->second;
}

const std::string* BpeModel::token_of(std::int64_t id) const {
  if (id < 0 || id >= id_limit() || !has_token_[id]) return nullptr;
  return &tokens_[id];
}

std::vector<std::int32_t> BpeModel::initial_symbols(std::string_view word) const {
  std::vector<std::int32_t> symbols;
  symbols.reserve(word.size());
  bool previous_unknown = false;
  for (std::size_t i = 0; i < word.size();) {
    const std::size_t length = std::min(utf8_sequence_length(static_cast<unsigned char>(word[i])), word.size() - i);
    const std::string character(word.substr(i, length));
    i += length;
    if (const auto found = ids_.find(character); found != ids_.end()) {
      symbols.push_back(found->second);
      previous_unknown = false;
      continue;
    }
    if (byte_fallback_) {
      std::vector<std::int32_t> bytes;
      for (const unsigned char byte : character) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", byte);
        const auto found = ids_.find(name);
        if (found == ids_.end()) break;
        bytes.push_back(found->second);
      }
      if (bytes.size() == character.size()) {
        symbols.insert(symbols.end(), bytes.begin(), bytes.end());
        previous_unknown = false;
        continue;
      }
    }
    if (!unknown_id_) continue;  // no unknown token: the character is dropped, as the Rust tokenizers do
    if (!(fuse_unknown_ && previous_unknown)) symbols.push_back(*unknown_id_);
    previous_unknown = true;
  }
  return symbols;
}

void BpeModel::encode_word(std::string_view word, std::vector<std::int64_t>& ids) const {
  if (word.empty()) return;
  if (ignore_merges_)
    if (const auto whole = ids_.find(std::string(word)); whole != ids_.end()) {
      ids.push_back(whole->second);
      return;
    }
  // Symbols as a linked list; candidate merges in a heap ordered by rank,
  // then position. A candidate is stale once either side has changed.
  struct Symbol {
    std::int32_t id;
    std::int32_t previous, next;
  };
  const auto initial = initial_symbols(word);
  std::vector<Symbol> symbols(initial.size());
  for (std::size_t i = 0; i < initial.size(); ++i)
    symbols[i] = {initial[i], static_cast<std::int32_t>(i) - 1,
                  i + 1 < initial.size() ? static_cast<std::int32_t>(i + 1) : -1};
  struct Candidate {
    std::int32_t rank, position, left_id, right_id;
    bool operator>(const Candidate& other) const {
      return rank != other.rank ? rank > other.rank : position > other.position;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> candidates;
  const auto consider = [&](std::int32_t left) {
    if (left < 0 || symbols[left].next < 0) return;
    const auto& right = symbols[symbols[left].next];
    const auto found = merges_.find(pair_key(symbols[left].id, right.id));
    if (found != merges_.end()) candidates.push({found->second.rank, left, symbols[left].id, right.id});
  };
  for (std::int32_t i = 0; i + 1 < static_cast<std::int32_t>(symbols.size()); ++i) consider(i);
  std::vector<bool> gone(symbols.size(), false);
  while (!candidates.empty()) {
    const Candidate top = candidates.top();
    candidates.pop();
    Symbol& left = symbols[top.position];
    if (gone[top.position] || left.id != top.left_id || left.next < 0 || symbols[left.next].id != top.right_id)
      continue;
    const std::int32_t right = left.next;
    left.id = merges_.at(pair_key(top.left_id, top.right_id)).merged_id;
    left.next = symbols[right].next;
    if (left.next >= 0) symbols[left.next].previous = top.position;
    gone[right] = true;
    consider(left.previous);
    consider(top.position);
  }
  for (std::int32_t i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) ids.push_back(symbols[i].id);
}

}  // namespace cradle
