#pragma once
// A Hugging Face model folder's tokenizer: tokenizer.json (the Rust
// tokenizers' format) and tokenizer_config.json (the special tokens' names,
// the chat template). Read for BPE models, which covers byte-level BPE with a
// word pattern (GPT-2, Llama 3, Qwen2, SmolLM) and sentencepiece-style BPE
// with byte fallback (Llama 2, TinyLlama, Mistral). Encoding runs the
// tokenizer's own pipeline: added tokens are matched first, the text between
// them is normalised (normalizers.h), cut into words (pre_tokenizers.h) and
// merged (bpe_model.h); decoding runs its decoder chain (decoders.h). No
// LibTorch here.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hub/tokenizer/added_tokens.h"
#include "core/hub/tokenizer/bpe_model.h"
#include "core/hub/tokenizer/decoders.h"
#include "core/hub/tokenizer/normalizers.h"
#include "core/hub/tokenizer/pre_tokenizers.h"
#include "core/hub/tokenizer/special_token_template.h"
#include "core/text/tokenizer.h"

namespace cradle {

// The ids tokenizer_config.json names (bos_token, ...), where it names them.
struct HubSpecialTokens {
  std::optional<std::int64_t> bos, eos, pad, unk;
};

class HubTokenizer : public Tokenizer {
 public:
  // <folder>/tokenizer.json and, where present, <folder>/tokenizer_config.json.
  // IoError for a missing file; ConfigError naming the file and the component
  // (`tokenizer.json: pre_tokenizer.pretokenizers[0].type`) for one Cradle
  // does not read or a malformed one.
  static std::unique_ptr<HubTokenizer> load(const std::filesystem::path& folder);
  // The two files' text; `config_json` may be empty. `origin` names them in errors.
  static std::unique_ptr<HubTokenizer> parse(const std::string& tokenizer_json, const std::string& config_json,
                                             const std::string& origin);

  std::string type() const override { return "hub-bpe"; }
  std::int64_t vocab_size() const override;  // largest id + 1, added tokens included
  // Without the special tokens the post-processor would add; DataError for
  // text that is not valid UTF-8, naming the byte.
  std::vector<std::int64_t> encode(std::string_view text) const override;
  // With them (`<s>`, `<|begin_of_text|>`), as transformers' tokenizer(text) does.
  std::vector<std::int64_t> encode_with_special_tokens(std::string_view text) const;
  // With them and the eos_token after (once), as continued pretraining parts documents.
  std::vector<std::int64_t> encode_document(std::string_view text) const override;
  std::optional<std::int64_t> unknown_id() const override { return special_.unk; }
  std::optional<std::int64_t> document_end_id() const override { return special_.eos; }
  // Special tokens are skipped, ids no token has are skipped, and bytes that
  // do not spell UTF-8 become U+FFFD; spaces are not tidied.
  std::string decode(const std::vector<std::int64_t>& ids) const override;
  std::string token_text(std::int64_t id) const override;  // decoded, special tokens kept
  // Writes tokenizer.json as it was read, and tokenizer_config.json beside it when there was one.
  void save(const std::filesystem::path& file) const override;

  std::optional<std::int64_t> token_id(std::string_view token) const;  // added or vocabulary token
  // "byte-level BPE", "BPE with byte fallback" or "BPE", for inspect and the wizard.
  std::string kind() const;
  const HubSpecialTokens& special_tokens() const { return special_; }
  // tokenizer_config.json's "chat_template" (the "default" one of a list); empty when none.
  const std::string& chat_template() const { return chat_template_; }
  bool byte_level() const { return byte_level_; }
  // tokenizer.json as read, for writers that carry its vocabulary elsewhere (core/hub/gguf_vocabulary.h).
  const std::string& tokenizer_json() const { return tokenizer_json_; }

 private:
  HubTokenizer() = default;
  void read_config(const std::string& config_json, const std::string& origin);
  std::string decode_tokens(const std::vector<std::int64_t>& ids, bool skip_special) const;

  std::string tokenizer_json_, config_json_;
  AddedTokens added_;
  std::unique_ptr<TextNormalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::optional<BpeModel> model_;
  std::unique_ptr<TokenDecoder> decoder_;
  SpecialTokenTemplate around_;
  HubSpecialTokens special_;
  std::string chat_template_;
  bool byte_level_ = false;
};

// ConfigError naming both files when the tokenizer has ids `embedding_rows`
// (config.json's vocab_size) has no row for. More rows than tokens is fine:
// Qwen2 pads its embedding.
void check_tokenizer_fits(const HubTokenizer& tokenizer, std::int64_t embedding_rows,
                          const std::filesystem::path& folder);

}  // namespace cradle
