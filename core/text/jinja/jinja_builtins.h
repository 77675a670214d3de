#pragma once
// What templates call by name: filters (`x | trim`), tests (`x is defined`),
// the methods of strings and dicts (`s.strip()`, `d.items()`) and the global
// functions Hugging Face gives chat templates (raise_exception, range,
// namespace, strftime_now). Each is one entry in a table in
// jinja_builtins.cpp: adding one touches that table. An unknown name is an
// error naming it and the line.
#include <stdexcept>
#include <string>

#include "core/text/jinja/jinja_value.h"

namespace cradle::jinja {

// What raise_exception(message) and a function refusing its arguments throw; the call site adds its line.
struct RaisedByTemplate : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Value apply_filter(const std::string& name, const Value& input, const ValueList& arguments,
                   const KeywordArguments& keywords, int line);
bool apply_test(const std::string& name, const Value& input, const ValueList& arguments, int line);
// `object.name`: a dict's entry, a namespace's attribute, or a bound method; undefined when none.
Value member_of(const Value& object, const std::string& name, int line);
// The functions every render sees.
ValueDict global_functions();

}  // namespace cradle::jinja
