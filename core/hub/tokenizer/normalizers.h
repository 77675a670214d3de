#pragma once
// tokenizer.json's "normalizer": how each section of text is rewritten before
// it is cut into words. One class per variant behind TextNormalizer; read:
// NFC, NFD, NFKC, NFKD (ICU), Lowercase, Prepend, Replace, Strip, Sequence.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace cradle {

class TextNormalizer {
 public:
  virtual ~TextNormalizer() = default;
  virtual std::string normalize(std::string text) const = 0;
};

// Null for a JSON null; ConfigError naming `where` and the type for one
// Cradle does not read (BertNormalizer, Precompiled, ...).
std::unique_ptr<TextNormalizer> make_text_normalizer(const nlohmann::json& spec, const std::string& where);

}  // namespace cradle
