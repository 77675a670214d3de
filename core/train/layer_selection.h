#pragma once
// Layers chosen by name for transfer learning (train.freeze, train.layer_lr):
// glob patterns ("conv*", "fc?", "out") over a model's layer names — its
// top-level children, as `cradle-cli inspect` lists them.
#include <torch/nn/module.h>

#include <string>
#include <vector>

namespace cradle {

bool glob_match(const std::string& pattern, const std::string& text);

// The layer a parameter belongs to: "conv1" of "conv1.weight".
std::string layer_of(const std::string& parameter_name);

// Whether any pattern selects the parameter's layer.
bool layer_selected(const std::vector<std::string>& patterns, const std::string& parameter_name);

// ConfigError naming `field` when a pattern selects none of the model's layers
// (a typo would otherwise freeze nothing, silently); the message lists them.
void check_layer_patterns(const std::vector<std::string>& patterns, const torch::nn::Module& model,
                          const std::string& field);

}  // namespace cradle
