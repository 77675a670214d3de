// libFuzzer target: a peft adapter's adapter_config.json. Bad input must end
// in a ConfigError; accepted input must give an adapter that can be built:
// a rank of at least 1, a positive alpha, a dropout in [0, 1), and targets.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/hub/peft_adapter_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  cradle::PeftAdapterConfig c;
  try {
    c = cradle::parse_peft_adapter_config(text, "adapter_config.json");
  } catch (const cradle::ConfigError&) {
    return 0;
  }
  if (c.options.rank < 1 || !(c.options.alpha > 0) || !(c.options.dropout >= 0 && c.options.dropout < 1))
    __builtin_trap();
  if (c.targets.names.empty() && c.targets.pattern.empty()) __builtin_trap();
  if (!std::isfinite(c.options.scaling())) __builtin_trap();
  (void)cradle::describe(c.targets);
  (void)cradle::peft_adapter_config_text(c, c.targets.names, false);
  return 0;
}
