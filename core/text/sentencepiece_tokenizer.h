#pragma once
// BPE and unigram tokenizers trained by sentencepiece, reached through the
// libcradle_sentencepiece bridge (loaded at run time, see
// sentencepiece_bridge/sentencepiece_bridge.h). Ids 0-3 are <pad>, <unk>,
// <bos>, <eos> and the extra special tokens follow, as for every Cradle
// tokenizer. Text is not normalised again: the data steps did that.
#include <memory>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace cradle {

class SentencePieceTokenizer : public Tokenizer {
 public:
  ~SentencePieceTokenizer() override;

  static std::unique_ptr<SentencePieceTokenizer> train(const TokenizerSpec& spec,
                                                       const std::vector<std::string>& texts);
  // `model`: the serialized sentencepiece model; `origin` names it in errors.
  static std::unique_ptr<SentencePieceTokenizer> load(const std::string& type, const std::string& model,
                                                      const std::string& origin);

  std::string type() const override { return type_; }
  std::int64_t vocab_size() const override;
  std::vector<std::int64_t> encode(std::string_view text) const override;
  std::string decode(const std::vector<std::int64_t>& ids) const override;
  std::string token_text(std::int64_t id) const override;
  // Writes `file` (JSON) and the model beside it (same name, extension .model).
  void save(const std::filesystem::path& file) const override;

 private:
  SentencePieceTokenizer(std::string type, void* handle) : type_(std::move(type)), handle_(handle) {}
  std::string type_;
  void* handle_;
};

// Where the bridge library was found, or why not (for messages and --version).
bool sentencepiece_available(std::string* why_not = nullptr);

}  // namespace cradle
