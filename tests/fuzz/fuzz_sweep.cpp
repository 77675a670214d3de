// libFuzzer target: sweep files. Bad input must end in a ConfigError;
// accepted input must survive writing and reading back unchanged, and its
// configurations must lie in the ranges the file gives.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/tune/sweep_configurations.h"
#include "core/tune/sweep_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  cradle::SweepSpec spec;
  try {
    spec = cradle::parse_sweep_spec(text, "fuzz.json");
  } catch (const cradle::ConfigError&) {
    return 0;
  }
  const std::string saved = cradle::sweep_spec_to_json(spec).dump();
  if (cradle::sweep_spec_to_json(cradle::parse_sweep_spec(saved, "saved.json")).dump() != saved) __builtin_trap();
  // A grid's product can be astronomically large: enumerate small ones only.
  double combinations = 1;
  for (const auto& p : spec.parameters) combinations *= static_cast<double>(p.values.size());
  if (spec.method == "grid" && spec.trials == 0 && combinations > 1000) return 0;
  if (spec.method != "grid" && spec.trials > 1000) spec.trials = 1000;
  for (const auto& configuration : cradle::sweep_configurations(spec)) {
    if (configuration.values.size() != spec.parameters.size()) __builtin_trap();
    for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
      const auto& p = spec.parameters[i];
      const auto& value = configuration.values[i].second;
      if (p.distribution == "values") continue;
      const double v = value.get<double>();
      const double tolerance = 1e-9 * std::max(std::abs(p.min), std::abs(p.max));  // exp(log(x)) rounds
      if (!(v >= p.min - tolerance && v <= p.max + tolerance)) __builtin_trap();
    }
    (void)configuration.overrides();
    (void)configuration.describe();
  }
  return 0;
}
