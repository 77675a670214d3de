// libFuzzer target: experiment text through the JSON parser, overrides and
// validation (and the pipeline and reward readers). Bad input must end in a ConfigError; accepted input must
// survive a save and reload unchanged (the canonical form is a fixed point).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/align/programmatic_reward.h"
#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/experiment/overrides.h"
#include "core/experiment/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // A first line that looks like KEY=VALUE is an override; the rest is the document.
  const auto newline = input.find('\n');
  const bool has_override = newline != std::string::npos && input.find('=') < newline;
  const std::string assignment = has_override ? input.substr(0, newline) : std::string();
  const std::string text = has_override ? input.substr(newline + 1) : input;
  try {
    auto document = cradle::parse_json_text(text, "fuzz.json");
    if (has_override) cradle::apply_override(document, assignment);
    const auto experiment = cradle::parse_experiment(document);
    const std::string saved = cradle::serialize_experiment(experiment);
    const auto reloaded = cradle::parse_experiment(cradle::parse_json_text(saved, "saved.json"));
    if (cradle::serialize_experiment(reloaded) != saved) __builtin_trap();
  } catch (const cradle::ConfigError&) {}
  try {  // the same text as a pipeline file
    cradle::parse_pipeline(cradle::parse_json_text(text, "fuzz.json"), "/pipelines");
  } catch (const cradle::ConfigError&) {}
  try {  // and as a programmatic reward's description, whose canonical form is a fixed point too
    const auto reward = cradle::parse_reward_function(cradle::parse_json_text(text, "fuzz.json"));
    if (cradle::parse_reward_function(reward->to_json())->to_json() != reward->to_json()) __builtin_trap();
    reward->score(text, text);
  } catch (const cradle::ConfigError&) {}
  try {  // any text as an override on an empty document
    cradle::Json document = cradle::Json::object();
    cradle::apply_override(document, input.substr(0, newline));
  } catch (const cradle::ConfigError&) {}
  return 0;
}
