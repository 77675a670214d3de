#include "core/hub/gguf_tokenizer_names.h"

namespace cradle {
namespace {

struct NamedPattern {
  const char* pattern;
  const char* name;
};
const NamedPattern kNamedPatterns[] = {
    {R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)", "gpt2"},
    {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
     "llama-bpe"},
    {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
     "qwen2"},
};

}  // namespace

std::string gguf_pre_tokenizer_name(const std::string& pattern) {
  for (const auto& named : kNamedPatterns)
    if (pattern == named.pattern) return named.name;
  return {};
}

std::string gguf_word_pattern(const std::string& name) {
  for (const auto& named : kNamedPatterns)
    if (name == named.name) return named.pattern;
  return {};
}

}  // namespace cradle
