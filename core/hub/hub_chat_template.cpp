#include "core/hub/hub_chat_template.h"

#include "core/common/error.h"
#include "core/text/jinja/jinja_template.h"

namespace cradle {

std::string apply_hub_chat_template(const HubTokenizer& tokenizer, const nlohmann::ordered_json& messages,
                                    bool add_generation_prompt) {
  if (tokenizer.chat_template().empty())
    throw ConfigError("tokenizer_config.json has no chat_template: this model has no chat format of its own");
  nlohmann::ordered_json variables = {{"messages", messages}, {"add_generation_prompt", add_generation_prompt}};
  const auto& special = tokenizer.special_tokens();
  const std::pair<const char*, std::optional<std::int64_t>> named[] = {
      {"bos_token", special.bos}, {"eos_token", special.eos}, {"pad_token", special.pad}, {"unk_token", special.unk}};
  for (const auto& [name, id] : named)
    if (id) variables[name] = tokenizer.token_text(*id);
  return JinjaTemplate::compile(tokenizer.chat_template(), "tokenizer_config.json chat_template").render(variables);
}

}  // namespace cradle
