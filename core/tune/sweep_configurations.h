#pragma once
// The configurations a sweep tries: every combination of the values (grid),
// or seeded draws from each parameter's distribution (random, halving). A
// configuration is a set of --set overrides; no LibTorch here.
#include <string>
#include <utility>
#include <vector>

#include "core/tune/sweep_spec.h"

namespace cradle {

struct TrialConfiguration {
  std::vector<std::pair<std::string, Json>> values;  // field, value, in the sweep file's order
  // "train.lr=0.00123", the value as JSON.
  std::vector<std::string> overrides() const;
  // "lr 0.00123, weight_decay 1e-05": short, for tables.
  std::string describe() const;
};

// Grid: the product of every parameter's values, the first spec.trials of them
// when trials > 0. Random and halving: spec.trials draws seeded by spec.seed
// (the same sweep file always gives the same configurations).
std::vector<TrialConfiguration> sweep_configurations(const SweepSpec& spec);

}  // namespace cradle
