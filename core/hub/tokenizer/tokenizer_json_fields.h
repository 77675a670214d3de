#pragma once
// Reading the fields of tokenizer.json's components with messages that name
// the component's path (`tokenizer.json: pre_tokenizer.pretokenizers[1]`) and
// the field, shared by the normalizers, pre-tokenizers, model and decoders.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/hub/tokenizer/unicode_pattern.h"

namespace cradle {

const std::string& required_string(const nlohmann::json& spec, const char* key, const std::string& where);
const nlohmann::json& required_array(const nlohmann::json& spec, const char* key, const std::string& where);
// `fallback` when the key is missing or null; ConfigError when it has another type.
bool optional_bool(const nlohmann::json& spec, const char* key, bool fallback, const std::string& where);
std::string optional_string(const nlohmann::json& spec, const char* key, const std::string& fallback,
                            const std::string& where);
std::int64_t optional_integer(const nlohmann::json& spec, const char* key, std::int64_t fallback,
                              const std::string& where);

// "pattern": {"String": "..."} (taken literally) or {"Regex": "..."}.
UnicodePattern read_pattern(const nlohmann::json& spec, const std::string& where);

// Metaspace's prepend_scheme; the older add_prefix_space true/false means always/never.
enum class PrependScheme { Always, First, Never };
PrependScheme read_prepend_scheme(const nlohmann::json& spec, const std::string& where);

}  // namespace cradle
