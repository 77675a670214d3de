#include "core/export/ggml_types.h"

#include <algorithm>
#include <cctype>

#include "core/common/error.h"

namespace cradle {

std::string to_string(GgmlType type) {
  switch (type) {
    case GgmlType::F32: return "F32";
    case GgmlType::F16: return "F16";
    case GgmlType::Q8_0: return "Q8_0";
  }
  return "?";
}

GgmlType parse_ggml_type(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "f32") return GgmlType::F32;
  if (lower == "f16") return GgmlType::F16;
  if (lower == "q8_0") return GgmlType::Q8_0;
  throw ConfigError("tensor type '" + name + "': GGUF export writes f32, f16 or q8_0");
}

bool ggml_type_fits(GgmlType type, std::int64_t row) {
  return type != GgmlType::Q8_0 || (row > 0 && row % kQ8BlockValues == 0);
}

std::int64_t ggml_bytes(GgmlType type, std::int64_t elements) {
  switch (type) {
    case GgmlType::F32: return 4 * elements;
    case GgmlType::F16: return 2 * elements;
    case GgmlType::Q8_0: return (elements / kQ8BlockValues) * kQ8BlockBytes;
  }
  return 0;
}

}  // namespace cradle
