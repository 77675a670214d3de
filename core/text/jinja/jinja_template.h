#pragma once
// A Jinja template as Hugging Face renders chat templates (a Python
// library's language, reimplemented here for the subset chat templates use:
// see jinja_parser.h for the statements and jinja_builtins.h for the filters,
// tests and functions). Compile once, render many times; errors name the
// template's origin and line.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace cradle::jinja {
struct Statement;
}

namespace cradle {

class JinjaTemplate {
 public:
  // ConfigError "ORIGIN: line N: ..." for a template that does not parse.
  static JinjaTemplate compile(const std::string& source, const std::string& origin);
  // `variables`: a JSON object, each key a name the template sees beside the
  // global functions. ConfigError "ORIGIN: line N: ..." when rendering fails
  // (raise_exception included).
  std::string render(const nlohmann::ordered_json& variables) const;

 private:
  std::shared_ptr<const std::vector<std::unique_ptr<jinja::Statement>>> body_;
  std::string origin_;
};

}  // namespace cradle
