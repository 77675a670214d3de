#include "core/experiment/task.h"

#include <stdexcept>

#include "core/common/enum_names.h"

namespace cradle {
namespace {
constexpr Task kTasks[] = {Task::Classification, Task::Regression, Task::LanguageModel};
}  // namespace

std::string to_string(Task task) {
  switch (task) {
    case Task::Classification: return "classification";
    case Task::Regression: return "regression";
    case Task::LanguageModel: return "language_model";
  }
  throw std::logic_error("to_string(Task): a value outside the enumeration");
}

std::optional<Task> parse_task(const std::string& name) { return parse_enum_name(name, kTasks); }

std::vector<std::string> task_names() { return enum_names(kTasks); }

}  // namespace cradle
