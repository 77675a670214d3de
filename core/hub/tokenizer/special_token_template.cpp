#include "core/hub/tokenizer/special_token_template.h"

#include "core/common/error.h"
#include "core/hub/tokenizer/tokenizer_json_fields.h"

namespace cradle {
namespace {

// The ids of a named special token of TemplateProcessing's "special_tokens" map.
std::vector<std::int64_t> template_token_ids(const nlohmann::json& spec, const std::string& name,
                                             const std::string& where) {
  const auto tokens = spec.find("special_tokens");
  if (tokens == spec.end() || !tokens->is_object() || !tokens->contains(name))
    throw ConfigError(where + ".special_tokens: \"" + name + "\" is used by the template but not defined");
  const auto& ids = required_array((*tokens)[name], "ids", where + ".special_tokens[\"" + name + "\"]");
  std::vector<std::int64_t> out;
  for (const auto& id : ids) {
    if (!id.is_number_integer()) throw ConfigError(where + ".special_tokens[\"" + name + "\"].ids: not an id");
    out.push_back(id.get<std::int64_t>());
  }
  return out;
}

SpecialTokenTemplate read_template_processing(const nlohmann::json& spec, const std::string& where) {
  SpecialTokenTemplate result;
  bool seen_sequence = false;
  const auto& single = required_array(spec, "single", where);
  for (std::size_t i = 0; i < single.size(); ++i) {
    const std::string here = where + ".single[" + std::to_string(i) + "]";
    const auto& piece = single[i];
    if (piece.is_object() && piece.contains("Sequence")) {
      seen_sequence = true;
    } else if (piece.is_object() && piece.contains("SpecialToken")) {
      const auto ids = template_token_ids(spec, required_string(piece["SpecialToken"], "id", here), where);
      auto& side = seen_sequence ? result.after : result.before;
      side.insert(side.end(), ids.begin(), ids.end());
    } else {
      throw ConfigError(here + ": expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
    }
  }
  return result;
}

// RobertaProcessing and BertProcessing: "cls": [token, id], "sep": [token, id].
std::int64_t pair_id(const nlohmann::json& spec, const char* key, const std::string& where) {
  const auto found = spec.find(key);
  if (found == spec.end() || !found->is_array() || found->size() != 2 || !(*found)[1].is_number_integer())
    throw ConfigError(where + "." + key + ": expected [token, id]");
  return (*found)[1].get<std::int64_t>();
}

}  // namespace

SpecialTokenTemplate read_special_token_template(const nlohmann::json& spec, const std::string& where) {
  if (spec.is_null()) return {};
  const std::string type = required_string(spec, "type", where);
  if (type == "ByteLevel") return {};
  if (type == "TemplateProcessing") return read_template_processing(spec, where);
  if (type == "RobertaProcessing" || type == "BertProcessing")
    return {{pair_id(spec, "cls", where)}, {pair_id(spec, "sep", where)}};
  if (type == "Sequence") {
    SpecialTokenTemplate result;
    const auto& steps = required_array(spec, "processors", where);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto step = read_special_token_template(steps[i], where + ".processors[" + std::to_string(i) + "]");
      result.before.insert(result.before.end(), step.before.begin(), step.before.end());
      result.after.insert(result.after.end(), step.after.begin(), step.after.end());
    }
    return result;
  }
  throw ConfigError(where + ".type: the post-processor \"" + type +
                    "\" is not read by Cradle (it reads TemplateProcessing, RobertaProcessing, BertProcessing, "
                    "ByteLevel, Sequence)");
}

}  // namespace cradle
