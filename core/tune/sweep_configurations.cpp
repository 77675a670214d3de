#include "core/tune/sweep_configurations.h"

#include <cmath>
#include <cstdio>
#include <random>

namespace cradle {
namespace {

// A double in [0, 1) from the generator's bits: the same on every standard library.
double unit(std::mt19937_64& generator) { return static_cast<double>(generator() >> 11) * 0x1.0p-53; }

Json draw(const SweepParameter& p, std::mt19937_64& generator) {
  const double u = unit(generator);
  if (p.distribution == "values")
    return p.values[std::min(p.values.size() - 1, static_cast<std::size_t>(u * p.values.size()))];
  if (p.distribution == "uniform") return p.min + u * (p.max - p.min);
  if (p.distribution == "log_uniform") return std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min)));
  const auto low = static_cast<std::int64_t>(p.min), high = static_cast<std::int64_t>(p.max);  // int_uniform
  return low + std::min(high - low, static_cast<std::int64_t>(u * static_cast<double>(high - low + 1)));
}

std::string short_value(const Json& value) {
  if (value.is_number_float()) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", value.get<double>());
    return text;
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::vector<std::string> TrialConfiguration::overrides() const {
  std::vector<std::string> out;
  for (const auto& [field, value] : values) out.push_back(field + "=" + value.dump());
  return out;
}

std::string TrialConfiguration::describe() const {
  std::string out;
  for (const auto& [field, value] : values) {
    const auto dot = field.rfind('.');
    out += (out.empty() ? "" : ", ") + (dot == std::string::npos ? field : field.substr(dot + 1)) + " " +
           short_value(value);
  }
  return out;
}

std::vector<TrialConfiguration> sweep_configurations(const SweepSpec& spec) {
  std::vector<TrialConfiguration> configurations;
  if (spec.method == "grid") {
    std::vector<std::size_t> index(spec.parameters.size(), 0);
    while (spec.trials == 0 || static_cast<std::int64_t>(configurations.size()) < spec.trials) {
      TrialConfiguration c;
      for (std::size_t i = 0; i < spec.parameters.size(); ++i)
        c.values.emplace_back(spec.parameters[i].field, spec.parameters[i].values[index[i]]);
      configurations.push_back(std::move(c));
      // The next combination, the last parameter changing fastest.
      std::size_t i = spec.parameters.size();
      while (i > 0 && ++index[i - 1] == spec.parameters[i - 1].values.size()) index[--i] = 0;
      if (i == 0) break;
    }
    return configurations;
  }
  std::mt19937_64 generator(spec.seed);
  for (std::int64_t t = 0; t < spec.trials; ++t) {
    TrialConfiguration c;
    for (const auto& p : spec.parameters) c.values.emplace_back(p.field, draw(p, generator));
    configurations.push_back(std::move(c));
  }
  return configurations;
}

}  // namespace cradle
