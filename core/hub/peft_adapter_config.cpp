#include "core/hub/peft_adapter_config.h"

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/json_object_reader.h"

namespace cradle {
namespace {

constexpr const char* kAdapterConfigFile = "adapter_config.json";

// peft writes null, {}, [] or false for a feature that is off.
bool feature_off(const Json& config, const char* key) {
  if (!config.contains(key)) return true;
  const Json& value = config[key];
  return value.is_null() || (value.is_object() && value.empty()) || (value.is_array() && value.empty()) ||
         (value.is_boolean() && !value.get<bool>());
}

std::string adapter_string_field(const Json& config, const char* key, const std::string& fallback,
                                 const std::string& where) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_string()) throw ConfigError(where + key + " is " + config[key].dump() + ", not a string");
  return config[key].get<std::string>();
}

bool adapter_boolean_field(const Json& config, const char* key, const std::string& where) {
  if (!config.contains(key) || config[key].is_null()) return false;
  if (!config[key].is_boolean()) throw ConfigError(where + key + " is " + config[key].dump() + ", not true or false");
  return config[key].get<bool>();
}

}  // namespace

PeftAdapterConfig parse_peft_adapter_config(const std::string& text, const std::string& origin) {
  Json config;
  try {
    config = Json::parse(text);
  } catch (const Json::exception& e) {
    throw ConfigError(origin + ": not JSON: " + e.what());
  }
  const std::string where = origin + ": ";
  if (!config.is_object()) throw ConfigError(where + "not a JSON object");
  const std::string type = adapter_string_field(config, "peft_type", "", where);
  if (type != "LORA") throw ConfigError(where + "peft_type is \"" + type + "\"; Cradle reads LoRA adapters (\"LORA\")");
  if (!feature_off(config, "use_dora")) throw ConfigError(where + "use_dora: DoRA adapters are not supported");
  const std::string bias = adapter_string_field(config, "bias", "none", where);
  if (bias != "none")
    throw ConfigError(where + "bias is \"" + bias +
                      "\"; only adapters that leave the biases as they are (\"none\") are supported");
  for (const char* unsupported : {"modules_to_save", "rank_pattern", "alpha_pattern", "layers_to_transform"})
    if (!feature_off(config, unsupported))
      throw ConfigError(where + unsupported + " is " + config[unsupported].dump() +
                        "; Cradle reads adapters without it");
  PeftAdapterConfig adapter;
  try {
    // Not finish()ed: peft adds fields over its versions, and those above are the ones that change the arithmetic.
    JsonObjectReader reader(config, "");
    adapter.options.rank = reader.integer("r", 8, Range::between(1, 65536));
    adapter.options.alpha = reader.number("lora_alpha", 8, Range::greater_than(0));
    adapter.options.dropout = reader.number("lora_dropout", 0, Range::between(0, 0.999));
  } catch (const ConfigError& e) {
    throw ConfigError(where + e.what());
  }
  adapter.options.rank_stabilised = adapter_boolean_field(config, "use_rslora", where);
  adapter.base_model = adapter_string_field(config, "base_model_name_or_path", "", where);
  const Json targets = config.contains("target_modules") ? config["target_modules"] : Json();
  if (targets.is_string() && !targets.get<std::string>().empty()) {
    adapter.targets.pattern = targets.get<std::string>();
  } else if (targets.is_array() && !targets.empty()) {
    for (const auto& name : targets) {
      if (!name.is_string() || name.get<std::string>().empty())
        throw ConfigError(where + "target_modules holds " + name.dump() + ", not a module name");
      adapter.targets.names.push_back(name.get<std::string>());
    }
  } else {
    throw ConfigError(where + "target_modules is " + targets.dump() +
                      "; it should name the projections (a list, a regular expression or \"all-linear\")");
  }
  return adapter;
}

PeftAdapterConfig read_peft_adapter_config(const std::filesystem::path& folder) {
  const auto file = folder / kAdapterConfigFile;
  if (!std::filesystem::is_regular_file(file))
    throw IoError(folder.string() + ": no " + kAdapterConfigFile + " (not a peft adapter folder)");
  return parse_peft_adapter_config(read_file(file), file.string());
}

std::string peft_adapter_config_text(const PeftAdapterConfig& config, const std::vector<std::string>& target_modules,
                                     bool fan_in_fan_out) {
  const Json file = {{"alpha_pattern", Json::object()},
                     {"auto_mapping", nullptr},
                     {"base_model_name_or_path", config.base_model},
                     {"bias", "none"},
                     {"fan_in_fan_out", fan_in_fan_out},
                     {"inference_mode", true},
                     {"init_lora_weights", true},
                     {"layers_pattern", nullptr},
                     {"layers_to_transform", nullptr},
                     {"lora_alpha", config.options.alpha},
                     {"lora_dropout", config.options.dropout},
                     {"modules_to_save", nullptr},
                     {"peft_type", "LORA"},
                     {"r", config.options.rank},
                     {"rank_pattern", Json::object()},
                     {"revision", nullptr},
                     {"target_modules", target_modules},
                     {"task_type", "CAUSAL_LM"},
                     {"use_dora", false},
                     {"use_rslora", config.options.rank_stabilised}};
  return file.dump(2) + "\n";
}

bool is_peft_adapter_folder(const std::filesystem::path& folder) {
  return std::filesystem::is_regular_file(folder / kAdapterConfigFile);
}

}  // namespace cradle
