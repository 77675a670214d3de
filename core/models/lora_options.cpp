#include "core/models/lora_options.h"

#include <cmath>

namespace cradle {

double LoraOptions::scaling() const {
  const double r = static_cast<double>(rank);
  return rank_stabilised ? alpha / std::sqrt(r) : alpha / r;
}

std::string describe(const LoraTargets& targets) {
  if (targets.names.empty()) return "\"" + targets.pattern + "\"";
  std::string text = "[";
  for (std::size_t i = 0; i < targets.names.size(); ++i) text += (i ? ", \"" : "\"") + targets.names[i] + "\"";
  return text + "]";
}

}  // namespace cradle
