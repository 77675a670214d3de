// libFuzzer target: a chat template (Jinja). A template that does not parse or
// fails to render must end in a ConfigError; none may crash, hang or leak,
// however it loops, nests or refers to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/jinja/jinja_template.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const nlohmann::ordered_json variables = {{"messages",
                                                    {{{"role", "system"}, {"content", "Be brief."}},
                                                     {{"role", "user"}, {"content", "Hi \xF0\x9F\x98\x80"}},
                                                     {{"role", "assistant"}, {"content", "Hello!"}}}},
                                                   {"add_generation_prompt", true},
                                                   {"bos_token", "<s>"},
                                                   {"eos_token", "</s>"}};
  try {
    (void)cradle::JinjaTemplate::compile(text, "fuzz").render(variables);
  } catch (const cradle::ConfigError&) {}
  return 0;
}
