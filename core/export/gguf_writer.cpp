#include "core/export/gguf_writer.h"

#include <torch/torch.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/export/ggml_tensor_codec.h"

namespace cradle {
namespace {

constexpr std::uint32_t kGgufVersion = 3;  // what the writer writes; the reader also reads 2

template <typename T>
void put(std::string& out, T value) {
  char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));  // little-endian machines only (x86-64, aarch64)
  out.append(raw, sizeof(T));
}

void put_string(std::string& out, const std::string& text) {
  put<std::uint64_t>(out, text.size());
  out += text;
}

void put_scalar(std::string& out, GgufValueType type, const nlohmann::json& v, const std::string& key) {
  switch (type) {
    case GgufValueType::UInt8: return put<std::uint8_t>(out, v.get<std::uint8_t>());
    case GgufValueType::Int8: return put<std::int8_t>(out, v.get<std::int8_t>());
    case GgufValueType::UInt16: return put<std::uint16_t>(out, v.get<std::uint16_t>());
    case GgufValueType::Int16: return put<std::int16_t>(out, v.get<std::int16_t>());
    case GgufValueType::UInt32: return put<std::uint32_t>(out, v.get<std::uint32_t>());
    case GgufValueType::Int32: return put<std::int32_t>(out, v.get<std::int32_t>());
    case GgufValueType::Float32: return put<float>(out, v.get<float>());
    case GgufValueType::Bool: return put<std::uint8_t>(out, v.get<bool>() ? 1 : 0);
    case GgufValueType::String: return put_string(out, v.get<std::string>());
    case GgufValueType::UInt64: return put<std::uint64_t>(out, v.get<std::uint64_t>());
    case GgufValueType::Int64: return put<std::int64_t>(out, v.get<std::int64_t>());
    case GgufValueType::Float64: return put<double>(out, v.get<double>());
    case GgufValueType::Array: break;
  }
  throw ConfigError("GGUF metadata " + key + ": arrays of arrays are not written");
}

void put_value(std::string& out, const GgufValue& value, const std::string& key) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(value.type));
  if (value.type != GgufValueType::Array) return put_scalar(out, value.type, value.value, key);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(value.element));
  put<std::uint64_t>(out, value.value.size());
  for (const auto& element : value.value) put_scalar(out, value.element, element, key);
}

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue value) {
  for (auto& [k, v] : metadata_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  metadata_.emplace_back(key, std::move(value));
}

void GgufWriter::add_tensor(const std::string& name, torch::Tensor values, GgmlType type) {
  const std::int64_t row = values.dim() == 0 ? 1 : values.size(-1);
  if (!ggml_type_fits(type, row))
    throw ConfigError("GGUF tensor " + name + ": rows of " + std::to_string(row) + " values cannot be " +
                      to_string(type));
  if (values.dim() > kGgufMaxDimensions) throw ConfigError("GGUF tensor " + name + ": more than 4 dimensions");
  tensors_.push_back({name, std::move(values), type});
}

std::int64_t GgufWriter::tensor_bytes() const {
  std::uint64_t total = 0;
  for (const auto& t : tensors_) total += gguf_padded(ggml_bytes(t.type, t.values.numel()), kGgufAlignment);
  return static_cast<std::int64_t>(total);
}

void GgufWriter::write(const std::filesystem::path& path) const {
  std::string header = "GGUF";
  put<std::uint32_t>(header, kGgufVersion);
  put<std::uint64_t>(header, tensors_.size());
  put<std::uint64_t>(header, metadata_.size());
  for (const auto& [key, value] : metadata_) {
    put_string(header, key);
    put_value(header, value, key);
  }
  std::uint64_t offset = 0;
  for (const auto& t : tensors_) {
    put_string(header, t.name);
    put<std::uint32_t>(header, static_cast<std::uint32_t>(t.values.dim()));
    for (std::int64_t d = t.values.dim() - 1; d >= 0; --d) put<std::uint64_t>(header, t.values.size(d));
    put<std::uint32_t>(header, static_cast<std::uint32_t>(t.type));
    put<std::uint64_t>(header, offset);
    offset += gguf_padded(ggml_bytes(t.type, t.values.numel()), kGgufAlignment);
  }
  header.resize(gguf_padded(header.size(), kGgufAlignment), '\0');

  write_file_atomically(path, [&](const std::filesystem::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(temp.string() + ": cannot open for writing: " + std::strerror(errno));
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const auto& t : tensors_) {
      std::string data = encode_ggml_tensor(t.values, t.type);
      data.resize(gguf_padded(data.size(), kGgufAlignment), '\0');
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
      if (!out) break;
    }
    out.flush();
    if (!out) throw IoError(path.string() + ": write failed: " + std::strerror(errno));
  });
}

torch::Tensor gguf_tensor(const GgufFile& file, const GgufTensorInfo& info) {
  return decode_ggml_tensor(file.tensor_bytes(info), static_cast<GgmlType>(info.type), info.torch_shape());
}

}  // namespace cradle
