#pragma once
// tokenizer.json's "post_processor" for one sequence: the special tokens put
// around the encoded text when a model wants them (Llama's `<s>`, Llama 3's
// `<|begin_of_text|>`). Read: TemplateProcessing's "single" template,
// RobertaProcessing and BertProcessing (cls ... sep), ByteLevel (no tokens),
// and Sequence of those.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cradle {

struct SpecialTokenTemplate {
  std::vector<std::int64_t> before, after;
};

// ConfigError naming `where` and the type for one Cradle does not read.
SpecialTokenTemplate read_special_token_template(const nlohmann::json& spec, const std::string& where);

}  // namespace cradle
