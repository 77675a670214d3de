#pragma once
// A float32 tensor as the bytes of a ggml type and back (ggml's reference
// quantisers, ggml-quants.c): F32 and F16 element by element; Q8_0 in blocks
// of 32 values along the innermost dimension, each block a float16 scale
// d = max|x| / 127 followed by 32 int8 values round(x / d), half away from zero.
#include <torch/types.h>

#include <string>
#include <vector>

#include "core/export/ggml_types.h"

namespace cradle {
// The tensor's values (any floating type, any device; row-major) as `type`'s
// bytes. Q8_0 needs the last dimension to be a multiple of 32.
std::string encode_ggml_tensor(const torch::Tensor& tensor, GgmlType type);
// The inverse: float32 values of `shape` (PyTorch's order) from `bytes`;
// DataError when the byte count does not match.
torch::Tensor decode_ggml_tensor(const std::string& bytes, GgmlType type, const std::vector<std::int64_t>& shape);

}  // namespace cradle
