#pragma once
// llama.cpp's names for a tokenizer's parts: its token types, and the
// byte-level pre-tokenizers it knows by name (its llama-vocab.cpp
// pre-tokenizer types) and the word pattern each cuts text with, as the
// families' tokenizer.json Split holds it: what GGUF's tokenizer.ggml.pre
// means, in both directions (core/hub/gguf_vocabulary.h writes it,
// core/hub/gguf_tokenizer.h reads it). "smollm" and a plain "gpt2" without a
// Split use ByteLevel's own pattern instead.
#include <cstdint>
#include <string>

namespace cradle {

// llama.cpp's token types (llama_token_type / gguf-py TokenType).
enum class GgufTokenType : std::int32_t { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

// "gpt2", "llama-bpe" or "qwen2" for their pattern; empty for another.
std::string gguf_pre_tokenizer_name(const std::string& pattern);
// The pattern of one of those names; empty for another name.
std::string gguf_word_pattern(const std::string& name);

}  // namespace cradle
