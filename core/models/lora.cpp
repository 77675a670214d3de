#include "core/models/lora.h"

#include <algorithm>
#include <regex>

#include "core/common/error.h"

namespace cradle {
namespace {

bool matches_target(const std::string& module, const LoraTargets& targets) {
  if (targets.names.empty()) {
    if (targets.pattern == "all-linear") return true;
    return std::regex_match(module, std::regex(targets.pattern));
  }
  for (const auto& name : targets.names) {
    if (module == name) return true;
    if (module.size() > name.size() && module.compare(module.size() - name.size(), name.size(), name) == 0 &&
        module[module.size() - name.size() - 1] == '.')
      return true;
  }
  return false;
}

bool is_adapter_parameter(const std::string& name) {
  return name.find("lora_A.") != std::string::npos || name.find("lora_B.") != std::string::npos;
}

std::string last_part(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

}  // namespace

LoraTargets default_lora_targets(HubArchitecture architecture) {
  switch (architecture) {
    case HubArchitecture::Llama:
    case HubArchitecture::Mistral:
    case HubArchitecture::Qwen2:
      return {{"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}, ""};
    case HubArchitecture::Gpt2: return {{"c_attn", "c_proj", "c_fc"}, ""};
  }
  throw ConfigError("unknown architecture");
}

std::vector<std::pair<std::string, LoraLinearImpl*>> lora_projections(torch::nn::Module& model) {
  std::vector<std::pair<std::string, LoraLinearImpl*>> found;
  for (const auto& item : model.named_modules("", false))
    if (auto* projection = item.value()->as<LoraLinearImpl>()) found.emplace_back(item.key(), projection);
  return found;
}

LoraAttachment attach_lora(torch::nn::Module& model, const LoraOptions& options, const LoraTargets& targets) {
  if (targets.names.empty() && targets.pattern != "all-linear") {
    try {
      std::regex check(targets.pattern);
    } catch (const std::regex_error& e) {
      throw ConfigError("target_modules: " + describe(targets) + " is not a regular expression: " + e.what());
    }
  }
  LoraAttachment attachment;
  const auto projections = lora_projections(model);
  for (const auto& [name, projection] : projections) {
    if (!matches_target(name, targets)) continue;
    projection->attach_adapter(options);
    attachment.modules.push_back(name);
  }
  if (attachment.modules.empty()) {
    std::vector<std::string> kinds;
    for (const auto& [name, projection] : projections)
      if (std::find(kinds.begin(), kinds.end(), last_part(name)) == kinds.end()) kinds.push_back(last_part(name));
    std::string listed;
    for (const auto& kind : kinds) listed += (listed.empty() ? "" : ", ") + kind;
    throw ConfigError("target_modules " + describe(targets) +
                      " match no projection of the model; its projections: " + listed);
  }
  for (const auto& item : model.named_parameters()) {
    (is_adapter_parameter(item.key()) ? attachment.adapter_parameters : attachment.base_parameters) +=
        item.value().numel();
  }
  return attachment;
}

void freeze_all_but_adapters(torch::nn::Module& model) {
  for (auto& item : model.named_parameters()) {
    item.value().set_requires_grad(is_adapter_parameter(item.key()));
  }
}

void keep_adapters_in_float32(torch::nn::Module& model) {
  for (const auto& [name, projection] : lora_projections(model)) {
    if (!projection->has_adapter()) continue;
    projection->lora_A->to(torch::kFloat32);
    projection->lora_B->to(torch::kFloat32);
  }
}

void set_adapters_enabled(torch::nn::Module& model, bool enabled) {
  for (const auto& [name, projection] : lora_projections(model)) projection->set_adapter_enabled(enabled);
}

std::int64_t merge_adapters(torch::nn::Module& model) {
  std::int64_t merged = 0;
  for (const auto& [name, projection] : lora_projections(model)) {
    if (!projection->has_adapter()) continue;
    projection->merge_adapter();
    ++merged;
  }
  return merged;
}

bool has_adapters(torch::nn::Module& model) {
  for (const auto& [name, projection] : lora_projections(model))
    if (projection->has_adapter()) return true;
  return false;
}

}  // namespace cradle
