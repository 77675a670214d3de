#pragma once
// What a model predicts: the experiment's "task". Spelled as a string only in
// the experiment file, report.json and the other files Cradle writes
// (to_string and parse_task convert).
#include <optional>
#include <string>
#include <vector>

namespace cradle {

enum class Task {
  Classification,  // a class per sample: images, table rows or texts
  Regression,      // a number per table row
  LanguageModel,   // the next token of a text (and the stages after pretraining)
};

std::string to_string(Task task);  // "classification", "regression", "language_model"
std::optional<Task> parse_task(const std::string& name);
std::vector<std::string> task_names();  // every task, in the order above

}  // namespace cradle
