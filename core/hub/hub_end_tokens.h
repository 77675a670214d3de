#pragma once
// The ids that end a generated text for a Hugging Face model folder:
// config.json's eos_token_id (one id or a list), generation_config.json's
// (what transformers' generate() stops at; Llama 3 instruct lists
// <|end_of_text|>, <|eom_id|> and <|eot_id|> there), and the tokenizer's
// eos_token. No LibTorch here.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/hub/hub_config.h"
#include "core/hub/hub_tokenizer.h"

namespace cradle {

// Each id once, in that order. ConfigError naming generation_config.json when it is malformed.
std::vector<std::int64_t> hub_end_of_text_ids(const std::filesystem::path& folder, const HubModelConfig& config,
                                              const HubTokenizer& tokenizer);

}  // namespace cradle
