#pragma once
// Names of an enumeration's values as the files spell them, given its
// to_string (a switch per enumeration, so that a forgotten value does not
// compile) and the list of its values: the parser and the list of names.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cradle {

// The value `name` spells; nullopt when none does.
template <typename Enum, std::size_t N>
std::optional<Enum> parse_enum_name(const std::string& name, const Enum (&values)[N]) {
  for (const Enum value : values)
    if (to_string(value) == name) return value;
  return std::nullopt;
}

// Every value's name, in the order given.
template <typename Enum, std::size_t N>
std::vector<std::string> enum_names(const Enum (&values)[N]) {
  std::vector<std::string> names;
  for (const Enum value : values) names.push_back(to_string(value));
  return names;
}

}  // namespace cradle
