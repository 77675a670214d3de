#include "core/hub/gguf_tokenizer.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/common/error.h"
#include "core/common/utf8.h"
#include "core/hub/gguf_tokenizer_names.h"

namespace cradle {
namespace {
using nlohmann::json;
const char* const kWordBoundary = "\xE2\x96\x81";  // ▁, sentencepiece's space

// A metadata value in a message: bytes that are not UTF-8 shown as U+FFFD.
std::string shown(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// The tokenizer.ggml.* values, each checked for its kind and length.
struct GgufVocabulary {
  std::string origin, model;
  std::vector<std::string> tokens;
  std::vector<GgufTokenType> types;
  std::vector<float> scores;
  json merges = json::array();

  const json* find(const GgufFile& file, const std::string& key, bool required) const {
    const GgufValue* value = file.find(key);
    if (!value && required) throw DataError(origin + ": metadata " + key + " is missing (the file has no tokenizer)");
    return value ? &value->value : nullptr;
  }
  DataError wrong(const std::string& key, const std::string& what) const {
    return DataError(origin + ": metadata " + key + " " + what);
  }
  std::optional<std::int64_t> id(const GgufFile& file, const std::string& key) const {
    const json* value = find(file, key, false);
    if (!value) return std::nullopt;
    if (!value->is_number_integer() || value->get<std::int64_t>() < 0 ||
        value->get<std::int64_t>() >= static_cast<std::int64_t>(tokens.size()))
      throw wrong(key,
                  "is " + shown(*value) + ", not the id of one of the " + std::to_string(tokens.size()) + " tokens");
    return value->get<std::int64_t>();
  }
  bool flag(const GgufFile& file, const std::string& key, bool fallback) const {
    const json* value = find(file, key, false);
    if (!value) return fallback;
    if (!value->is_boolean()) throw wrong(key, "is " + shown(*value) + ", not true or false");
    return value->get<bool>();
  }
};

GgufVocabulary read_vocabulary(const GgufFile& file) {
  GgufVocabulary v;
  v.origin = file.origin;
  const json* model = v.find(file, "tokenizer.ggml.model", true);
  if (!model->is_string() || first_invalid_utf8_byte(model->get_ref<const std::string&>()))
    throw v.wrong("tokenizer.ggml.model", "is not UTF-8 text");
  v.model = model->get<std::string>();
  if (v.model != "gpt2" && v.model != "llama")
    throw v.wrong("tokenizer.ggml.model", "is \"" + v.model +
                                              "\"; Cradle reads \"gpt2\" (byte-level BPE) and \"llama\" "
                                              "(sentencepiece-style BPE)");
  const json* tokens = v.find(file, "tokenizer.ggml.tokens", true);
  if (!tokens->is_array() || tokens->empty()) throw v.wrong("tokenizer.ggml.tokens", "is not a list of tokens");
  for (const json& token : *tokens) {
    if (!token.is_string()) throw v.wrong("tokenizer.ggml.tokens", "holds a value that is not a string");
    v.tokens.push_back(token.get<std::string>());
    if (const auto bad = first_invalid_utf8_byte(v.tokens.back()))
      throw v.wrong("tokenizer.ggml.tokens",
                    "[" + std::to_string(v.tokens.size() - 1) + "] is not UTF-8 (byte " + std::to_string(*bad) + ")");
  }
  v.types.assign(v.tokens.size(), GgufTokenType::Normal);
  if (const json* types = v.find(file, "tokenizer.ggml.token_type", false)) {
    if (!types->is_array() || types->size() != v.tokens.size())
      throw v.wrong("tokenizer.ggml.token_type",
                    "does not give one type for each of the " + std::to_string(v.tokens.size()) + " tokens");
    for (std::size_t i = 0; i < types->size(); ++i) {
      const json& type = (*types)[i];
      if (!type.is_number_integer() || type.get<int>() < 1 || type.get<int>() > 6)
        throw v.wrong("tokenizer.ggml.token_type",
                      "[" + std::to_string(i) + "] is " + shown(type) + ", not a token type from 1 to 6");
      v.types[i] = static_cast<GgufTokenType>(type.get<int>());
    }
  }
  if (v.model == "llama") {
    const json* scores = v.find(file, "tokenizer.ggml.scores", true);
    if (!scores->is_array() || scores->size() != v.tokens.size())
      throw v.wrong("tokenizer.ggml.scores",
                    "does not give one score for each of the " + std::to_string(v.tokens.size()) + " tokens");
    for (const json& score : *scores) {
      // A NaN would leave the merges' order undefined.
      if (!score.is_number() || !std::isfinite(score.get<double>()))
        throw v.wrong("tokenizer.ggml.scores", "holds " + shown(score) + ", not a finite number");
      v.scores.push_back(score.get<float>());
    }
  } else {
    const json* merges = v.find(file, "tokenizer.ggml.merges", true);
    if (!merges->is_array()) throw v.wrong("tokenizer.ggml.merges", "is not a list");
    v.merges = *merges;
    for (const json& merge : v.merges)
      if (!merge.is_string() || first_invalid_utf8_byte(merge.get_ref<const std::string&>()))
        throw v.wrong("tokenizer.ggml.merges", "holds a merge that is not UTF-8 text");
  }
  return v;
}

bool in_model_vocabulary(GgufTokenType type) {
  return type == GgufTokenType::Normal || type == GgufTokenType::Byte || type == GgufTokenType::Unknown;
}

// How a byte-level tokenizer cuts words, from llama.cpp's name for it.
json named_pre_tokenizer(const GgufFile& file, const GgufVocabulary& v) {
  const json* pre = v.find(file, "tokenizer.ggml.pre", false);
  const std::string name = pre && pre->is_string() && !first_invalid_utf8_byte(pre->get_ref<const std::string&>())
                               ? pre->get<std::string>()
                               : std::string();
  const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
  if (name == "gpt2") return byte_level;
  if (name == "smollm")
    return {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, byte_level}}};
  const std::string pattern = gguf_word_pattern(name);
  if (name.empty() || pattern.empty())
    throw v.wrong("tokenizer.ggml.pre", (pre ? "is \"" + name + "\"" : std::string("is missing")) +
                                            "; Cradle has the word patterns of \"gpt2\", \"llama-bpe\", \"qwen2\" "
                                            "and \"smollm\"");
  json unsplit = byte_level;
  unsplit["use_regex"] = false;
  return {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"}, {"pattern", {{"Regex", pattern}}}, {"behavior", "Isolated"}, {"invert", false}}, unsplit}}};
}

std::vector<std::size_t> character_starts(const std::string& text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  return starts;
}

// The merges llama.cpp's score order amounts to: every way a normal token
// splits into two tokens, the pieces of one token ordered by their ids, the
// tokens by score, highest first (transformers' SentencePieceExtractor).
json merges_from_scores(const GgufVocabulary& v) {
  std::unordered_map<std::string, std::size_t> ids;
  for (std::size_t i = 0; i < v.tokens.size(); ++i)
    if (in_model_vocabulary(v.types[i])) ids.emplace(v.tokens[i], i);
  struct Split {
    std::size_t left, right;
    float score;
  };
  std::vector<Split> splits;
  for (std::size_t i = 0; i < v.tokens.size(); ++i) {
    if (v.types[i] != GgufTokenType::Normal) continue;
    const std::string& token = v.tokens[i];
    std::vector<Split> local;
    for (const std::size_t at : character_starts(token)) {
      if (at == 0) continue;
      const auto left = ids.find(token.substr(0, at)), right = ids.find(token.substr(at));
      if (left != ids.end() && right != ids.end()) local.push_back({left->second, right->second, v.scores[i]});
    }
    std::sort(local.begin(), local.end(),
              [](const Split& a, const Split& b) { return a.left != b.left ? a.left < b.left : a.right < b.right; });
    splits.insert(splits.end(), local.begin(), local.end());
  }
  std::stable_sort(splits.begin(), splits.end(), [](const Split& a, const Split& b) { return a.score > b.score; });
  json merges = json::array();
  for (const Split& split : splits) merges.push_back({v.tokens[split.left], v.tokens[split.right]});
  return merges;
}

json template_processing(const std::vector<std::pair<std::string, std::int64_t>>& before,
                         const std::vector<std::pair<std::string, std::int64_t>>& after) {
  json single = json::array(), special = json::object();
  const auto add = [&](const std::pair<std::string, std::int64_t>& token) {
    single.push_back({{"SpecialToken", {{"id", token.first}, {"type_id", 0}}}});
    special[token.first] = {{"id", token.first}, {"ids", {token.second}}, {"tokens", {token.first}}};
  };
  for (const auto& token : before) add(token);
  single.push_back({{"Sequence", {{"id", "A"}, {"type_id", 0}}}});
  for (const auto& token : after) add(token);
  return {{"type", "TemplateProcessing"}, {"single", single}, {"pair", json::array()}, {"special_tokens", special}};
}

}  // namespace

std::unique_ptr<HubTokenizer> gguf_tokenizer(const GgufFile& file) {
  const GgufVocabulary v = read_vocabulary(file);
  const bool byte_level = v.model == "gpt2";
  json vocab = json::object(), added = json::array();
  std::optional<std::string> unknown;
  for (std::size_t i = 0; i < v.tokens.size(); ++i) {
    const GgufTokenType type = v.types[i];
    if (type == GgufTokenType::Unused) continue;
    if (in_model_vocabulary(type)) vocab[v.tokens[i]] = i;
    if (type == GgufTokenType::Unknown) unknown = v.tokens[i];
    if (type != GgufTokenType::Normal && type != GgufTokenType::Byte)
      added.push_back({{"id", i},
                       {"content", v.tokens[i]},
                       {"single_word", false},
                       {"lstrip", false},
                       {"rstrip", false},
                       {"normalized", false},
                       {"special", type != GgufTokenType::UserDefined}});
  }
  json model = {{"type", "BPE"},
                {"vocab", vocab},
                {"merges", byte_level ? v.merges : merges_from_scores(v)},
                {"byte_fallback", !byte_level},
                {"fuse_unk", !byte_level}};
  if (unknown) model["unk_token"] = *unknown;
  json doc = {{"version", "1.0"}, {"added_tokens", added}, {"model", model}};
  if (byte_level) {
    doc["pre_tokenizer"] = named_pre_tokenizer(file, v);
    doc["decoder"] = {{"type", "ByteLevel"}};
  } else {
    const bool space_prefix = v.flag(file, "tokenizer.ggml.add_space_prefix", true);
    const json spaces = {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kWordBoundary}};
    doc["normalizer"] =
        space_prefix
            ? json{{"type", "Sequence"}, {"normalizers", {{{"type", "Prepend"}, {"prepend", kWordBoundary}}, spaces}}}
            : spaces;
    json decoders = {{{"type", "Replace"}, {"pattern", {{"String", kWordBoundary}}}, {"content", " "}},
                     {{"type", "ByteFallback"}},
                     {{"type", "Fuse"}}};
    if (space_prefix) decoders.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
    doc["decoder"] = {{"type", "Sequence"}, {"decoders", decoders}};
  }

  json config = json::object();
  const auto bos = v.id(file, "tokenizer.ggml.bos_token_id"), eos = v.id(file, "tokenizer.ggml.eos_token_id");
  const auto named = [&](const char* key, const std::optional<std::int64_t>& id) {
    if (id) config[key] = v.tokens[*id];
  };
  named("bos_token", bos);
  named("eos_token", eos);
  named("unk_token", v.id(file, "tokenizer.ggml.unknown_token_id"));
  named("pad_token", v.id(file, "tokenizer.ggml.padding_token_id"));
  std::vector<std::pair<std::string, std::int64_t>> before, after;
  if (bos && v.flag(file, "tokenizer.ggml.add_bos_token", !byte_level)) before.emplace_back(v.tokens[*bos], *bos);
  if (eos && v.flag(file, "tokenizer.ggml.add_eos_token", false)) after.emplace_back(v.tokens[*eos], *eos);
  if (!before.empty() || !after.empty()) doc["post_processor"] = template_processing(before, after);
  if (const json* chat = v.find(file, "tokenizer.chat_template", false)) {
    if (!chat->is_string() || first_invalid_utf8_byte(chat->get_ref<const std::string&>()))
      throw v.wrong("tokenizer.chat_template", "is not UTF-8 text");
    config["chat_template"] = *chat;
  }
  try {
    return HubTokenizer::parse(doc.dump(), config.dump(), file.origin);
  } catch (const ConfigError& error) {
    throw DataError(file.origin + ": the tokenizer its metadata describes does not read: " + error.what());
  }
}

std::vector<std::int64_t> gguf_end_of_text_ids(const GgufFile& file) {
  std::vector<std::int64_t> ids;
  for (const char* key : {"tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"})
    if (const GgufValue* value = file.find(key); value && value->value.is_number_integer()) {
      const auto id = value->value.get<std::int64_t>();
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  return ids;
}

}  // namespace cradle
