#pragma once
// The tensor types a GGUF file stores (ggml's `ggml_type`, include/ggml.h)
// and their sizes: F32 and F16 element by element, Q8_0 in blocks of 32
// values along the innermost dimension, 34 bytes each
// (core/export/ggml_tensor_codec.h converts). No LibTorch here.
#include <cstdint>
#include <string>

namespace cradle {

enum class GgmlType : std::uint32_t { F32 = 0, F16 = 1, Q8_0 = 8 };

std::string to_string(GgmlType type);  // "F32", "F16", "Q8_0"
// "f32", "f16" or "q8_0" (any case); ConfigError naming the value otherwise.
GgmlType parse_ggml_type(const std::string& name);

inline constexpr std::int64_t kQ8BlockValues = 32;
inline constexpr std::int64_t kQ8BlockBytes = 34;

// Whether a tensor whose innermost (last, contiguous) dimension is `row` can be stored as `type`.
bool ggml_type_fits(GgmlType type, std::int64_t row);
// Bytes of `elements` values stored as `type` (a whole number of blocks for Q8_0).
std::int64_t ggml_bytes(GgmlType type, std::int64_t elements);

}  // namespace cradle
