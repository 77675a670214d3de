#include "core/export/ggml_tensor_codec.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/common/error.h"

namespace cradle {

namespace {

std::string tensor_bytes(const torch::Tensor& t) {
  const auto c = t.contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), static_cast<std::size_t>(c.nbytes()));
}

// ggml's quantize_row_q8_0_ref: per block of 32, d = amax / 127, q = roundf(x / d)
// (half away from zero), d kept as float16.
std::string encode_q8_0(const torch::Tensor& values) {
  const std::int64_t count = values.numel() / kQ8BlockValues;
  const float* x = values.data_ptr<float>();
  std::string out(static_cast<std::size_t>(count * kQ8BlockBytes), '\0');
  for (std::int64_t b = 0; b < count; ++b, x += kQ8BlockValues) {
    float amax = 0;
    for (std::int64_t j = 0; j < kQ8BlockValues; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float inverse = d != 0 ? 1.0f / d : 0.0f;
    char* block = out.data() + b * kQ8BlockBytes;
    const at::Half half_d(d);
    std::memcpy(block, &half_d, 2);
    for (std::int64_t j = 0; j < kQ8BlockValues; ++j)
      block[2 + j] = static_cast<char>(static_cast<std::int8_t>(std::round(x[j] * inverse)));
  }
  return out;
}

torch::Tensor decode_q8_0(const std::string& bytes, std::int64_t elements) {
  const std::int64_t count = elements / kQ8BlockValues;
  auto scales = torch::empty({count}, torch::kHalf);
  auto values = torch::empty({count, kQ8BlockValues}, torch::kInt8);
  auto* d = scales.data_ptr<at::Half>();
  auto* q = values.data_ptr<std::int8_t>();
  for (std::int64_t b = 0; b < count; ++b) {
    const char* block = bytes.data() + b * kQ8BlockBytes;
    std::memcpy(&d[b], block, 2);
    std::memcpy(q + b * kQ8BlockValues, block + 2, kQ8BlockValues);
  }
  return (values.to(torch::kFloat32) * scales.to(torch::kFloat32).unsqueeze(1)).reshape({-1});
}

}  // namespace

std::string encode_ggml_tensor(const torch::Tensor& tensor, GgmlType type) {
  const auto values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  switch (type) {
    case GgmlType::F32: return tensor_bytes(values);
    case GgmlType::F16: return tensor_bytes(values.to(torch::kHalf));
    case GgmlType::Q8_0: {
      const std::int64_t row = values.dim() == 0 ? 1 : values.size(-1);
      if (!ggml_type_fits(type, row))
        throw ConfigError("Q8_0 needs rows of a multiple of 32 values; this tensor's rows have " + std::to_string(row));
      return encode_q8_0(values);
    }
  }
  return {};
}

torch::Tensor decode_ggml_tensor(const std::string& bytes, GgmlType type, const std::vector<std::int64_t>& shape) {
  std::int64_t elements = 1;
  for (auto size : shape) elements *= size;
  const auto expected = ggml_bytes(type, elements);
  if (static_cast<std::int64_t>(bytes.size()) != expected || (type == GgmlType::Q8_0 && elements % kQ8BlockValues))
    throw DataError(to_string(type) + " tensor of " + std::to_string(elements) +
                    " values: " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected));
  torch::Tensor flat;
  switch (type) {
    case GgmlType::F32:
      flat = torch::empty({elements}, torch::kFloat32);
      std::memcpy(flat.data_ptr(), bytes.data(), bytes.size());
      break;
    case GgmlType::F16:
      flat = torch::empty({elements}, torch::kHalf);
      std::memcpy(flat.data_ptr(), bytes.data(), bytes.size());
      flat = flat.to(torch::kFloat32);
      break;
    case GgmlType::Q8_0: flat = decode_q8_0(bytes, elements); break;
  }
  return flat.reshape(shape);
}

}  // namespace cradle
