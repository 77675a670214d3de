#pragma once
// tokenizer.json's "model" of type BPE: a vocabulary and merges in rank
// order. A word starts as its characters and the lowest-ranked adjacent pair
// is merged until none is left (leftmost first among equal ranks, as the
// Rust tokenizers do). A character outside the vocabulary becomes its UTF-8
// bytes as `<0xNN>` tokens with byte_fallback, else the unknown token
// (consecutive ones fused with fuse_unk). ignore_merges (Llama 3): a word in
// the vocabulary is one token without merging.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace cradle {

class BpeModel {
 public:
  // ConfigError naming `where` and the field or merge: another model type,
  // a merge of tokens outside the vocabulary, a subword prefix or suffix.
  static BpeModel from_json(const nlohmann::json& spec, const std::string& where);

  void encode_word(std::string_view word, std::vector<std::int64_t>& ids) const;
  std::optional<std::int64_t> id_of(std::string_view token) const;
  const std::string* token_of(std::int64_t id) const;  // null when no token has the id
  bool byte_fallback() const { return byte_fallback_; }
  std::int64_t id_limit() const { return static_cast<std::int64_t>(tokens_.size()); }  // largest id + 1

 private:
  struct Merge {
    std::int32_t rank;
    std::int32_t merged_id;
  };
  static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }
  std::vector<std::int32_t> initial_symbols(std::string_view word) const;

  std::unordered_map<std::string, std::int32_t> ids_;
  std::vector<std::string> tokens_;  // by id; empty where the vocabulary skips an id
  std::vector<bool> has_token_;
  std::unordered_map<std::uint64_t, Merge> merges_;
  std::optional<std::int32_t> unknown_id_;
  bool byte_fallback_ = false;
  bool fuse_unknown_ = false;
  bool ignore_merges_ = false;
};

}  // namespace cradle
