#pragma once
// A Hub model's own chat template (tokenizer_config.json's chat_template),
// rendered as transformers' apply_chat_template does: the template sees
// `messages` (a list of {"role", "content"} dicts), `add_generation_prompt`
// and the special tokens' text (`bos_token`, `eos_token`, `pad_token`,
// `unk_token`). Cradle's own template (core/text/chat_template.h) stays for
// models trained from scratch.
#include <nlohmann/json.hpp>
#include <string>

#include "core/hub/hub_tokenizer.h"

namespace cradle {

// ConfigError when the tokenizer has no chat template, or naming the
// template's line when it fails to render (raise_exception included).
std::string apply_hub_chat_template(const HubTokenizer& tokenizer, const nlohmann::ordered_json& messages,
                                    bool add_generation_prompt);

}  // namespace cradle
