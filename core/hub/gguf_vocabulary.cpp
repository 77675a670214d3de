#include "core/hub/gguf_vocabulary.h"

#include <regex>

#include "core/common/error.h"
#include "core/hub/gguf_tokenizer_names.h"

namespace cradle {
namespace {
using nlohmann::json;

std::vector<json> pre_tokenizer_parts(const json& pre) {
  if (pre.is_object() && pre.value("type", "") == "Sequence" && pre.contains("pretokenizers"))
    return pre["pretokenizers"].get<std::vector<json>>();
  if (pre.is_null()) return {};
  return {pre};
}

// llama.cpp's name for how a byte-level tokenizer cuts text into words.
std::string byte_level_pre_tokenizer(const json& pre) {
  std::string split;
  bool digits = false, byte_level_regex = false, other = false;
  for (const json& part : pre_tokenizer_parts(pre)) {
    const std::string type = part.value("type", "");
    if (type == "Split" && part.contains("pattern")) {
      const json& pattern = part["pattern"];
      split = pattern.contains("Regex") ? pattern["Regex"].get<std::string>() : pattern.value("String", "");
    } else if (type == "Digits") {
      digits = part.value("individual_digits", false);
    } else if (type == "ByteLevel") {
      byte_level_regex = part.value("use_regex", true);
    } else {
      other = true;
    }
  }
  if (!other && !split.empty() && !digits && !byte_level_regex)
    if (const std::string name = gguf_pre_tokenizer_name(split); !name.empty()) return name;
  if (!other && split.empty() && byte_level_regex) return digits ? "smollm" : "gpt2";
  const std::string shown = pre.dump();
  throw ConfigError("tokenizer.json: pre_tokenizer " + shown.substr(0, 160) + (shown.size() > 160 ? "..." : "") +
                    " is not one llama.cpp knows by name (GPT-2's, Llama 3's, Qwen2's or SmolLM's); GGUF export "
                    "needs one of them");
}

// Whether sentencepiece-style text gets "▁" before its first word (llama.cpp's add_space_prefix).
bool adds_space_prefix(const json& doc) {
  const std::string marker = "\xE2\x96\x81";
  const json& normalizer = doc.contains("normalizer") ? doc["normalizer"] : json();
  std::vector<json> steps;
  if (normalizer.is_object() && normalizer.value("type", "") == "Sequence")
    steps = normalizer["normalizers"].get<std::vector<json>>();
  else if (normalizer.is_object())
    steps = {normalizer};
  for (const json& step : steps)
    if (step.value("type", "") == "Prepend" && step.value("prepend", "") == marker) return true;
  for (const json& part : pre_tokenizer_parts(doc.contains("pre_tokenizer") ? doc["pre_tokenizer"] : json()))
    if (part.value("type", "") == "Metaspace")
      return part.value("prepend_scheme", part.value("add_prefix_space", true) ? "always" : "never") != "never";
  return false;
}

std::vector<std::string> merge_strings(const json& merges) {
  std::vector<std::string> out;
  out.reserve(merges.size());
  for (const json& merge : merges) {
    if (merge.is_string())
      out.push_back(merge.get<std::string>());
    else
      out.push_back(merge.at(0).get<std::string>() + " " + merge.at(1).get<std::string>());
  }
  return out;
}

bool is_byte_token(const std::string& token) {
  static const std::regex byte_token("<0x[0-9A-F]{2}>");
  return std::regex_match(token, byte_token);
}

}  // namespace

void add_gguf_vocabulary(GgufWriter& writer, const HubTokenizer& tokenizer, std::int64_t embedding_rows) {
  const json doc = json::parse(tokenizer.tokenizer_json());
  const json& model = doc["model"];
  const auto rows = static_cast<std::size_t>(embedding_rows);
  std::vector<std::string> tokens(rows);
  std::vector<GgufTokenType> types(rows, GgufTokenType::Unused);
  for (const auto& [text, id] : model["vocab"].items()) {
    const auto i = id.get<std::int64_t>();
    if (i < 0 || static_cast<std::size_t>(i) >= rows) continue;  // check_tokenizer_fits has refused these
    tokens[i] = text;
    types[i] = !tokenizer.byte_level() && is_byte_token(text) ? GgufTokenType::Byte : GgufTokenType::Normal;
  }
  for (const json& added : doc.value("added_tokens", json::array())) {
    const auto i = added.at("id").get<std::int64_t>();
    if (i < 0 || i >= embedding_rows) continue;
    tokens[i] = added.at("content").get<std::string>();
    types[i] = added.value("special", false) ? GgufTokenType::Control : GgufTokenType::UserDefined;
  }
  if (model.contains("unk_token") && model["unk_token"].is_string())
    if (const auto unk = tokenizer.token_id(model["unk_token"].get<std::string>()); unk && *unk < embedding_rows)
      types[*unk] = GgufTokenType::Unknown;
  for (std::size_t i = 0; i < rows; ++i)
    if (types[i] == GgufTokenType::Unused) tokens[i] = "[PAD" + std::to_string(i) + "]";

  const std::vector<std::string> merges = merge_strings(model.value("merges", json::array()));
  json token_types = json::array();
  for (auto type : types) token_types.push_back(static_cast<std::int32_t>(type));
  writer.set("tokenizer.ggml.model", GgufValue::string(tokenizer.byte_level() ? "gpt2" : "llama"));
  if (tokenizer.byte_level()) {
    writer.set("tokenizer.ggml.pre", GgufValue::string(byte_level_pre_tokenizer(doc.value("pre_tokenizer", json()))));
    writer.set("tokenizer.ggml.tokens", GgufValue::array(GgufValueType::String, tokens));
    writer.set("tokenizer.ggml.token_type", GgufValue::array(GgufValueType::Int32, token_types));
    writer.set("tokenizer.ggml.merges", GgufValue::array(GgufValueType::String, merges));
  } else {
    // llama.cpp's sentencepiece tokenizer merges the pair whose joined token scores highest.
    const auto unmerged = -static_cast<float>(merges.size());
    std::vector<float> scores(rows, 0.0f);
    for (std::size_t i = 0; i < rows; ++i)
      if (types[i] == GgufTokenType::Normal) scores[i] = unmerged;
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
      const auto space = merges[rank].find(' ');
      if (space == std::string::npos) continue;
      const auto id = tokenizer.token_id(merges[rank].substr(0, space) + merges[rank].substr(space + 1));
      if (id && *id < embedding_rows && scores[*id] == unmerged) scores[*id] = -static_cast<float>(rank);
    }
    writer.set("tokenizer.ggml.tokens", GgufValue::array(GgufValueType::String, tokens));
    writer.set("tokenizer.ggml.scores", GgufValue::array(GgufValueType::Float32, scores));
    writer.set("tokenizer.ggml.token_type", GgufValue::array(GgufValueType::Int32, token_types));
    writer.set("tokenizer.ggml.add_space_prefix", GgufValue::boolean(adds_space_prefix(doc)));
  }
  const HubSpecialTokens& special = tokenizer.special_tokens();
  const auto set_id = [&](const char* key, const std::optional<std::int64_t>& id) {
    if (id && *id >= 0 && *id < embedding_rows) writer.set(key, GgufValue::u32(static_cast<std::uint32_t>(*id)));
  };
  set_id("tokenizer.ggml.bos_token_id", special.bos);
  set_id("tokenizer.ggml.eos_token_id", special.eos);
  set_id("tokenizer.ggml.unknown_token_id", special.unk);
  set_id("tokenizer.ggml.padding_token_id", special.pad);
  const auto with_special = tokenizer.encode_with_special_tokens("a");
  writer.set("tokenizer.ggml.add_bos_token",
             GgufValue::boolean(special.bos && !with_special.empty() && with_special.front() == *special.bos));
  writer.set("tokenizer.ggml.add_eos_token",
             GgufValue::boolean(special.eos && !with_special.empty() && with_special.back() == *special.eos));
  if (!tokenizer.chat_template().empty())
    writer.set("tokenizer.chat_template", GgufValue::string(tokenizer.chat_template()));
}

}  // namespace cradle
