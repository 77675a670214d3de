#include "core/models/model_summary.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace cradle {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (auto d : shape) text += (text.empty() ? "" : " x ") + std::to_string(d);
  return text;
}

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string format_model_summary(const ModelSummary& summary) {
  size_t name_width = 5, kind_width = 4, shape_width = 12;
  for (const auto& row : summary.layers) {
    name_width = std::max(name_width, row.name.size());
    kind_width = std::max(kind_width, row.kind.size());
    shape_width = std::max(shape_width, shape_text(row.output_shape).size());
  }
  std::ostringstream out;
  out << std::left << std::setw(static_cast<int>(name_width + 2)) << "layer" << std::setw(static_cast<int>(kind_width + 2))
      << "kind" << std::setw(static_cast<int>(shape_width + 2)) << "output shape" << std::right << std::setw(12) << "parameters"
      << "\n";
  for (const auto& row : summary.layers)
    out << std::left << std::setw(static_cast<int>(name_width + 2)) << row.name << std::setw(static_cast<int>(kind_width + 2))
        << row.kind << std::setw(static_cast<int>(shape_width + 2)) << shape_text(row.output_shape) << std::right
        << std::setw(12) << with_thousands(row.parameters) << "\n";
  out << "total parameters: " << with_thousands(summary.total_parameters) << " (trainable "
      << with_thousands(summary.trainable_parameters) << ")\n";
  return out.str();
}

}  // namespace cradle
