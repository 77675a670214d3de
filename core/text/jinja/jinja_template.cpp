#include "core/text/jinja/jinja_template.h"

#include "core/common/error.h"
#include "core/text/jinja/jinja_builtins.h"
#include "core/text/jinja/jinja_parser.h"

namespace cradle {

JinjaTemplate JinjaTemplate::compile(const std::string& source, const std::string& origin) {
  JinjaTemplate compiled;
  compiled.origin_ = origin;
  try {
    compiled.body_ = std::make_shared<const jinja::Body>(jinja::parse_template(jinja::split_template(source)));
  } catch (const ConfigError& error) {
    throw ConfigError(origin + ": " + error.what());
  }
  return compiled;
}

std::string JinjaTemplate::render(const nlohmann::ordered_json& variables) const {
  jinja::ValueDict globals = jinja::global_functions();
  if (!variables.is_object()) throw ConfigError(origin_ + ": the variables must be a JSON object");
  for (const auto& [name, value] : variables.items()) globals.emplace_back(name, jinja::from_json(value));
  jinja::Scopes scopes(std::move(globals));
  std::string out;
  try {
    jinja::run_body(*body_, scopes, out);
  } catch (const ConfigError& error) {
    throw ConfigError(origin_ + ": " + error.what());
  }
  return out;
}

}  // namespace cradle
