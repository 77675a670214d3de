#include "core/train/layer_selection.h"

#include "core/common/error.h"

namespace cradle {

bool glob_match(const std::string& pattern, const std::string& text) {
  // Iterative matching with one backtrack point for the last '*'.
  std::size_t p = 0, t = 0, star = std::string::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, resume = t;
    } else if (star != std::string::npos) {
      p = star + 1, t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string layer_of(const std::string& parameter_name) { return parameter_name.substr(0, parameter_name.find('.')); }

bool layer_selected(const std::vector<std::string>& patterns, const std::string& parameter_name) {
  const std::string layer = layer_of(parameter_name);
  for (const auto& pattern : patterns)
    if (glob_match(pattern, layer)) return true;
  return false;
}

void check_layer_patterns(const std::vector<std::string>& patterns, const torch::nn::Module& model,
                          const std::string& field) {
  std::vector<std::string> layers;
  for (const auto& child : model.named_children()) layers.push_back(child.key());
  for (const auto& pattern : patterns) {
    bool any = false;
    for (const auto& layer : layers) any = any || glob_match(pattern, layer);
    if (any) continue;
    std::string names;
    for (const auto& layer : layers) names += (names.empty() ? "" : ", ") + layer;
    throw ConfigError(field + ": \"" + pattern + "\" matches no layer of the model (its layers: " + names + ")");
  }
}

}  // namespace cradle
