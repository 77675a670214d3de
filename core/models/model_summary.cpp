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

}  // namespace

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_count(double value) {
  const char* units[] = {"", " k", " M", " G", " T", " P"};
  int unit = 0;
  while (value >= 1000 && unit < 5) value /= 1000, ++unit;
  std::ostringstream out;
  if (unit == 0)
    out << static_cast<std::int64_t>(value);
  else
    out << std::fixed << std::setprecision(value < 10 ? 2 : 1) << value << units[unit];
  return out.str();
}

std::string format_model_summary(const ModelSummary& summary, std::int64_t batch_size) {
  size_t name_width = 5, kind_width = 4, shape_width = 12;
  for (const auto& row : summary.layers) {
    name_width = std::max(name_width, row.name.size());
    kind_width = std::max(kind_width, row.kind.size());
    shape_width = std::max(shape_width, shape_text(row.output_shape).size());
  }
  std::ostringstream out;
  out << std::left << std::setw(static_cast<int>(name_width + 2)) << "layer"
      << std::setw(static_cast<int>(kind_width + 2)) << "kind" << std::setw(static_cast<int>(shape_width + 2))
      << "output shape" << std::right << std::setw(12) << "parameters" << std::setw(12) << "FLOPs"
      << "\n";
  for (const auto& row : summary.layers)
    out << std::left << std::setw(static_cast<int>(name_width + 2)) << row.name
        << std::setw(static_cast<int>(kind_width + 2)) << row.kind << std::setw(static_cast<int>(shape_width + 2))
        << shape_text(row.output_shape) << std::right << std::setw(12) << with_thousands(row.parameters)
        << std::setw(12) << format_count(static_cast<double>(row.flops)) << "\n";
  out << "total parameters: " << with_thousands(summary.total_parameters) << " (trainable "
      << with_thousands(summary.trainable_parameters) << ")\n";
  out << "forward FLOPs per sample: " << format_count(static_cast<double>(summary.flops)) << " (estimated)\n";
  if (batch_size > 0) {
    const double batch = static_cast<double>(batch_size);
    out << "training step of " << batch_size
        << " samples: " << format_count(3 * batch * static_cast<double>(summary.flops))
        << " FLOPs (forward and backward), activations " << std::fixed << std::setprecision(1)
        << batch * static_cast<double>(summary.activations) * 4 / (1024.0 * 1024.0) << " MiB (float32)\n";
  }
  return out.str();
}

}  // namespace cradle
