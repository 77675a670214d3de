#include "core/tune/sweep_spec.h"

#include <cmath>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace cradle {
namespace {

SweepParameter parse_parameter(const std::string& field, const Json& value, const std::string& path) {
  const auto bad = [&](const std::string& message) { throw ConfigError(path + ": " + message); };
  if (field.empty() || field.find('=') != std::string::npos) bad("a field name such as \"train.lr\"");
  if (!value.is_object() || value.size() != 1)
    bad("one of {\"values\": [...]}, {\"uniform\": [min, max]}, {\"log_uniform\": [min, max]}, {\"int_uniform\": [min, max]}");
  SweepParameter p;
  p.field = field;
  p.distribution = value.begin().key();
  const Json& argument = value.begin().value();
  if (p.distribution == "values") {
    if (!argument.is_array() || argument.empty()) bad("values: a non-empty array");
    for (const auto& v : argument) p.values.push_back(v);
    return p;
  }
  if (p.distribution != "uniform" && p.distribution != "log_uniform" && p.distribution != "int_uniform")
    bad("unknown distribution \"" + p.distribution + "\" (values, uniform, log_uniform, int_uniform)");
  if (!argument.is_array() || argument.size() != 2 || !argument[0].is_number() || !argument[1].is_number())
    bad(p.distribution + ": [min, max]");
  p.min = argument[0].get<double>();
  p.max = argument[1].get<double>();
  if (!std::isfinite(p.min) || !std::isfinite(p.max) || !(p.min < p.max))
    bad(p.distribution + ": min must be below max");
  if (!std::isfinite(p.max - p.min)) bad(p.distribution + ": the interval is too wide");
  if (p.distribution == "int_uniform" && (std::abs(p.min) > 1e15 || std::abs(p.max) > 1e15))
    bad("int_uniform: beyond 1e15");
  if (p.distribution == "log_uniform" && p.min <= 0) bad("log_uniform: min must be > 0");
  if (p.distribution == "int_uniform" && (p.min != std::floor(p.min) || p.max != std::floor(p.max)))
    bad("int_uniform: whole numbers");
  return p;
}

}  // namespace

SweepSpec parse_sweep_spec(const std::string& text, const std::string& origin) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::exception& error) {  // syntax, or a number too large for a double
    throw ConfigError(origin + ": not valid JSON (" + std::string(error.what()) + ")");
  }
  if (!document.is_object()) throw ConfigError(origin + ": a sweep file is a JSON object");
  try {
    JsonObjectReader r(document, "");
    SweepSpec spec;
    const std::int64_t version = r.integer("format_version", 1, Range::between(1, 1));
    (void)version;
    spec.name = r.required_string("name");
    for (const char c : spec.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
        r.fail("name", "letters, digits, '-', '_' and '.' only (it names the sweep's folder)");
    spec.experiment = r.required_string("experiment");
    spec.method = r.choice("method", spec.method, {"grid", "random", "halving"});
    spec.metric =
        r.choice("metric", spec.metric,
                 {"validation_loss", "validation_accuracy", "validation_mae", "validation_rmse", "validation_r2"});
    spec.trials = r.integer("trials", spec.method == "grid" ? 0 : 8, Range::between(0, 10000));
    if (spec.method != "grid" && spec.trials < 1) r.fail("trials", "at least 1 for method " + spec.method);
    spec.max_minutes = r.number("max_minutes", 0, Range::at_least(0));
    spec.parallel = r.integer("parallel", 1, Range::between(1, 64));
    spec.seed = static_cast<std::uint64_t>(r.integer("seed", 1, Range::at_least(0)));
    spec.min_epochs = r.integer("min_epochs", 1, Range::at_least(1));
    spec.reduction = r.integer("reduction", 3, Range::between(2, 100));
    spec.set = r.strings("set", {});
    for (std::size_t i = 0; i < spec.set.size(); ++i)
      if (spec.set[i].find('=') == std::string::npos) r.fail("set", "\"" + spec.set[i] + "\" is not field=value");
    const Json* parameters = r.raw("parameters");
    if (!parameters || !parameters->is_object() || parameters->empty())
      r.fail("parameters", "an object naming at least one field to vary");
    for (auto it = parameters->begin(); it != parameters->end(); ++it)
      spec.parameters.push_back(parse_parameter(it.key(), it.value(), "parameters." + it.key()));
    if (spec.method == "grid")
      for (const auto& p : spec.parameters)
        if (p.distribution != "values")
          r.fail("method", "grid needs {\"values\": [...]} for every parameter; " + p.field + " is " + p.distribution);
    r.finish();
    return spec;
  } catch (const ConfigError& error) {
    throw ConfigError(origin + ": " + error.what());
  }
}

SweepSpec load_sweep_spec(const std::filesystem::path& file) {
  return parse_sweep_spec(read_file(file), file.string());
}

Json sweep_spec_to_json(const SweepSpec& spec) {
  Json parameters = Json::object();
  for (const auto& p : spec.parameters) {
    if (p.distribution == "values")
      parameters[p.field] = Json{{"values", p.values}};
    else
      parameters[p.field] = Json{{p.distribution, Json::array({p.min, p.max})}};
  }
  return Json{{"format_version", 1},
              {"name", spec.name},
              {"experiment", spec.experiment},
              {"method", spec.method},
              {"metric", spec.metric},
              {"parameters", parameters},
              {"trials", spec.trials},
              {"max_minutes", spec.max_minutes},
              {"parallel", spec.parallel},
              {"seed", spec.seed},
              {"min_epochs", spec.min_epochs},
              {"reduction", spec.reduction},
              {"set", spec.set}};
}

}  // namespace cradle
