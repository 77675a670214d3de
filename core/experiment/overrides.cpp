#include "core/experiment/overrides.h"

#include <algorithm>
#include <string>

#include "core/common/error.h"
#include "core/common/utf8.h"

namespace cradle {

void apply_override(Json& document, std::string_view assignment) {
  if (const auto bad = first_invalid_utf8_byte(assignment))
    throw ConfigError("--set: byte " + std::to_string(*bad) + " of \"" +
                      std::string(assignment.substr(0, std::min<size_t>(*bad, 40))) + "...\" is not valid UTF-8");
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0)
    throw ConfigError("--set " + std::string(assignment) + ": expected KEY=VALUE, e.g. train.lr=3e-4");
  const std::string key(assignment.substr(0, equals));
  const std::string text(assignment.substr(equals + 1));

  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;

  Json* node = &document;
  std::string walked;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw ConfigError("--set " + key + ": empty name in the key path");
    if (!node->is_object()) throw ConfigError("--set " + key + ": " + walked + " is not an object, cannot set " + part);
    walked += (walked.empty() ? "" : ".") + part;
    if (dot == std::string::npos) {
      (*node)[part] = std::move(value);
      return;
    }
    if (!node->contains(part)) (*node)[part] = Json::object();
    node = &(*node)[part];
    start = dot + 1;
  }
}

}  // namespace cradle
