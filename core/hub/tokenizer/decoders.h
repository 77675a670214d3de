#pragma once
// tokenizer.json's "decoder": how the tokens of ids become text again. Each
// step rewrites the list of token strings, as the Rust tokenizers' decode
// chains do; one class per variant behind TokenDecoder. Read: ByteLevel,
// Metaspace, Replace, ByteFallback (`<0xNN>` tokens to bytes), Fuse, Strip,
// Sequence.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cradle {

class TokenDecoder {
 public:
  virtual ~TokenDecoder() = default;
  virtual void decode(std::vector<std::string>& tokens) const = 0;
};

// Null for a JSON null (tokens are joined as they are); ConfigError naming
// `where` and the type for one Cradle does not read.
std::unique_ptr<TokenDecoder> make_token_decoder(const nlohmann::json& spec, const std::string& where);

}  // namespace cradle
