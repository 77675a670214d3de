#include "core/hub/hub_tokenizer.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utf8.h"

namespace cradle {
namespace {

namespace fs = std::filesystem;

nlohmann::json parse_tokenizer_document(const std::string& text, const std::string& where) {
  try {
    auto document = nlohmann::json::parse(text);
    if (!document.is_object()) throw ConfigError(where + ": expected a JSON object");
    return document;
  } catch (const nlohmann::json::exception& error) {
    throw ConfigError(where + ": not valid JSON: " + error.what());
  }
}

// U+FFFD for every byte that does not belong to valid UTF-8.
std::string valid_utf8_or_replaced(std::string text) {
  std::string out;
  std::string_view rest = text;
  while (const auto bad = first_invalid_utf8_byte(rest)) {
    out.append(rest.substr(0, *bad)).append("\xEF\xBF\xBD");
    rest.remove_prefix(*bad + 1);
  }
  return out.append(rest);
}

// A special token in tokenizer_config.json: "<s>" or {"content": "<s>", ...}.
std::optional<std::string> special_token_name(const nlohmann::json& config, const char* key) {
  const auto found = config.find(key);
  if (found == config.end()) return std::nullopt;
  if (found->is_string()) return found->get<std::string>();
  if (found->is_object() && found->contains("content") && (*found)["content"].is_string())
    return (*found)["content"].get<std::string>();
  return std::nullopt;
}

}  // namespace

std::unique_ptr<HubTokenizer> HubTokenizer::load(const fs::path& folder) {
  const fs::path tokenizer_file = folder / "tokenizer.json", config_file = folder / "tokenizer_config.json";
  if (!fs::exists(tokenizer_file))
    throw IoError(tokenizer_file.string() + ": missing (a model folder keeps its tokenizer in tokenizer.json)");
  return parse(read_file(tokenizer_file), fs::exists(config_file) ? read_file(config_file) : std::string(),
               folder.string());
}

std::unique_ptr<HubTokenizer> HubTokenizer::parse(const std::string& tokenizer_json, const std::string& config_json,
                                                  const std::string& origin) {
  const std::string where = (origin.empty() ? std::string() : origin + "/") + "tokenizer.json";
  const auto document = parse_tokenizer_document(tokenizer_json, where);
  std::unique_ptr<HubTokenizer> tokenizer(new HubTokenizer());
  tokenizer->tokenizer_json_ = tokenizer_json;
  const auto component = [&](const char* key) -> const nlohmann::json& {
    static const nlohmann::json null;
    const auto found = document.find(key);
    return found == document.end() ? null : *found;
  };
  if (!document.contains("model")) throw ConfigError(where + ": \"model\" is missing");
  tokenizer->added_ = AddedTokens::from_json(component("added_tokens"), where + ": added_tokens");
  tokenizer->normalizer_ = make_text_normalizer(component("normalizer"), where + ": normalizer");
  tokenizer->pre_tokenizer_ = make_pre_tokenizer(component("pre_tokenizer"), where + ": pre_tokenizer");
  tokenizer->model_ = BpeModel::from_json(component("model"), where + ": model");
  tokenizer->decoder_ = make_token_decoder(component("decoder"), where + ": decoder");
  tokenizer->byte_level_ = component("pre_tokenizer").dump().find("\"ByteLevel\"") != std::string::npos;
  tokenizer->around_ = read_special_token_template(component("post_processor"), where + ": post_processor");
  for (const auto* side : {&tokenizer->around_.before, &tokenizer->around_.after})
    for (const auto id : *side)
      if (!tokenizer->added_.find(id) && !tokenizer->model_->token_of(id))
        throw ConfigError(where + ": post_processor: the special token id " + std::to_string(id) +
                          " is neither an added token nor in the vocabulary");
  tokenizer->read_config(config_json, origin);
  return tokenizer;
}

void HubTokenizer::read_config(const std::string& config_json, const std::string& origin) {
  config_json_ = config_json;
  if (config_json.empty()) return;
  const std::string where = (origin.empty() ? std::string() : origin + "/") + "tokenizer_config.json";
  const auto config = parse_tokenizer_document(config_json, where);
  const auto id_of_named = [&](const char* key) -> std::optional<std::int64_t> {
    const auto name = special_token_name(config, key);
    if (!name) return std::nullopt;
    const auto id = token_id(*name);
    if (!id) throw ConfigError(where + ": " + key + " \"" + *name + "\" is not a token of tokenizer.json");
    return id;
  };
  special_ = {id_of_named("bos_token"), id_of_named("eos_token"), id_of_named("pad_token"), id_of_named("unk_token")};
  const auto chat = config.find("chat_template");
  if (chat == config.end() || chat->is_null()) return;
  if (chat->is_string()) {
    chat_template_ = chat->get<std::string>();
    return;
  }
  if (chat->is_array())
    for (const auto& named : *chat)
      if (named.is_object() && named.value("name", "") == "default" && named.contains("template") &&
          named["template"].is_string())
        chat_template_ = named["template"].get<std::string>();
  if (chat_template_.empty())
    throw ConfigError(where + ": chat_template is neither a template nor a list with a \"default\" one");
}

std::int64_t HubTokenizer::vocab_size() const {
  std::int64_t size = model_->id_limit();
  for (const auto& token : added_.all()) size = std::max(size, token.id + 1);
  return size;
}

std::optional<std::int64_t> HubTokenizer::token_id(std::string_view token) const {
  if (const auto* added = added_.find(token)) return added->id;
  return model_->id_of(token);
}

std::string HubTokenizer::kind() const {
  if (byte_level_) return "byte-level BPE";
  return model_->byte_fallback() ? "BPE with byte fallback" : "BPE";
}

void check_tokenizer_fits(const HubTokenizer& tokenizer, std::int64_t embedding_rows, const fs::path& folder) {
  if (tokenizer.vocab_size() <= embedding_rows) return;
  throw ConfigError((folder / "tokenizer.json").string() + ": the tokenizer has ids up to " +
                    std::to_string(tokenizer.vocab_size() - 1) + " but " + (folder / "config.json").string() +
                    " gives the embedding " + std::to_string(embedding_rows) + " rows (vocab_size)");
}

std::vector<std::int64_t> HubTokenizer::encode(std::string_view text) const {
  if (const auto bad = first_invalid_utf8_byte(text))
    throw DataError("text to encode is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  std::vector<std::int64_t> ids;
  ids.reserve(text.size() / 3 + 1);
  for (const auto& section : added_.split(text)) {
    if (section.token_id) {
      ids.push_back(*section.token_id);
      continue;
    }
    std::string normal(section.text);
    if (normalizer_) normal = normalizer_->normalize(std::move(normal));
    std::vector<TextPiece> words{{std::move(normal), section.text.data() == text.data()}};
    if (pre_tokenizer_) pre_tokenizer_->split(words);
    for (const auto& word : words) model_->encode_word(word.text, ids);
  }
  return ids;
}

std::vector<std::int64_t> HubTokenizer::encode_with_special_tokens(std::string_view text) const {
  std::vector<std::int64_t> ids = around_.before;
  const auto body = encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  ids.insert(ids.end(), around_.after.begin(), around_.after.end());
  return ids;
}

std::vector<std::int64_t> HubTokenizer::encode_document(std::string_view text) const {
  auto ids = encode_with_special_tokens(text);
  if (special_.eos && (ids.empty() || ids.back() != *special_.eos)) ids.push_back(*special_.eos);
  return ids;
}

std::string HubTokenizer::decode_tokens(const std::vector<std::int64_t>& ids, bool skip_special) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const auto id : ids) {
    if (const auto* added = added_.find(id)) {
      if (!(skip_special && added->special)) tokens.push_back(added->content);
    } else if (const auto* token = model_->token_of(id)) {
      tokens.push_back(*token);
    }
  }
  if (decoder_) decoder_->decode(tokens);
  std::string text;
  for (const auto& token : tokens) text += token;
  return valid_utf8_or_replaced(std::move(text));
}

std::string HubTokenizer::decode(const std::vector<std::int64_t>& ids) const { return decode_tokens(ids, true); }

std::string HubTokenizer::token_text(std::int64_t id) const { return decode_tokens({id}, false); }

void HubTokenizer::save(const fs::path& file) const {
  write_text_atomically(file, tokenizer_json_);
  if (!config_json_.empty()) write_text_atomically(file.parent_path() / "tokenizer_config.json", config_json_);
}

}  // namespace cradle
