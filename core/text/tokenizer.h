#pragma once
// A tokenizer turns text into token ids and back. It is trained on the
// cleaned training split, saved in the run folder (tokenizer.json) and loaded
// from there for evaluation, generation and export, so every later use sees
// exactly the vocabulary training saw. Needs no LibTorch.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

// The first ids of every vocabulary, in this order.
inline constexpr std::int64_t kPadId = 0;
inline constexpr std::int64_t kUnkId = 1;
inline constexpr std::int64_t kBosId = 2;
inline constexpr std::int64_t kEosId = 3;
inline const char* const kBaseSpecialTokens[] = {"<pad>", "<unk>", "<bos>", "<eos>"};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string type() const = 0;  // "char", "bpe", "unigram"
  virtual std::int64_t vocab_size() const = 0;
  virtual std::vector<std::int64_t> encode(std::string_view text) const = 0;
  // <pad>, <bos> and <eos> are dropped, role markers kept, <unk> becomes U+FFFD.
  virtual std::string decode(const std::vector<std::int64_t>& ids) const = 0;
  virtual std::string token_text(std::int64_t id) const = 0;
  virtual void save(const std::filesystem::path& file) const = 0;
  // One document of a pretraining text: its ids, then the end-of-text id that
  // parts it from the next (Cradle's <eos>; a Hugging Face tokenizer's own).
  virtual std::vector<std::int64_t> encode_document(std::string_view text) const {
    auto ids = encode(text);
    ids.push_back(kEosId);
    return ids;
  }
  // The id that ends a document in a pretraining text, where there is one.
  virtual std::optional<std::int64_t> document_end_id() const { return kEosId; }
  // The id of text the vocabulary cannot spell, where it has one.
  virtual std::optional<std::int64_t> unknown_id() const { return kUnkId; }
};

struct TokenizerSpec {
  std::string type = "char";        // "char" | "bpe" | "unigram" (sentencepiece)
  std::int64_t vocab_size = 0;      // char: 0 keeps every character the coverage allows; required otherwise
  double character_coverage = 1.0;  // share of training characters the vocabulary must cover
  std::vector<std::string> special_tokens = {"<|system|>", "<|user|>", "<|assistant|>"};  // after pad, unk, bos, eos
};

// Trains on `texts` (the training split). ConfigError for an impossible spec.
std::unique_ptr<Tokenizer> train_tokenizer(const TokenizerSpec& spec, const std::vector<std::string>& texts);

// Reads a tokenizer.json written by save(); DataError naming the file for a malformed one.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& file);

}  // namespace cradle
