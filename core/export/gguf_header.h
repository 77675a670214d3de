#pragma once
// The GGUF file format, version 3 (ggml's docs/gguf.md), which llama.cpp and
// Ollama run: the magic "GGUF", uint32 version, uint64 tensor count, uint64
// metadata count; metadata as key (uint64 length + bytes), uint32 value type,
// value; tensor infos as name, uint32 dimension count, uint64 dimensions
// (innermost first: the reverse of PyTorch's shape), uint32 ggml type, uint64
// offset into the data; the data section starts at the next multiple of the
// alignment (general.alignment, default 32) and every tensor's offset is a
// multiple of it. All little-endian. This file reads the container (no
// LibTorch, so it is fuzzed); core/export/gguf_writer.h writes one, and what
// the values mean for a model is core/hub/hub_gguf_export.h's.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/export/ggml_types.h"

namespace cradle {

enum class GgufValueType : std::uint32_t {
  UInt8 = 0,
  Int8 = 1,
  UInt16 = 2,
  Int16 = 3,
  UInt32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  UInt64 = 10,
  Int64 = 11,
  Float64 = 12,
};

// One metadata value: a scalar or string, or an array of `element` values (no arrays of arrays).
struct GgufValue {
  GgufValueType type = GgufValueType::UInt32;
  GgufValueType element = GgufValueType::UInt8;  // arrays only
  nlohmann::json value;                          // a number, bool, string, or array of them

  static GgufValue u32(std::uint32_t v) { return {GgufValueType::UInt32, GgufValueType::UInt8, v}; }
  static GgufValue f32(float v) { return {GgufValueType::Float32, GgufValueType::UInt8, v}; }
  static GgufValue boolean(bool v) { return {GgufValueType::Bool, GgufValueType::UInt8, v}; }
  static GgufValue string(std::string v) { return {GgufValueType::String, GgufValueType::UInt8, std::move(v)}; }
  static GgufValue array(GgufValueType element, nlohmann::json values) {
    return {GgufValueType::Array, element, std::move(values)};
  }
};

inline constexpr std::uint64_t kGgufAlignment = 32;  // when general.alignment does not say
inline constexpr int kGgufMaxDimensions = 4;         // GGML_MAX_DIMS
inline std::uint64_t gguf_padded(std::uint64_t size, std::uint64_t alignment) {
  return (size + alignment - 1) / alignment * alignment;
}

struct GgufTensorInfo {
  std::string name;
  std::vector<std::int64_t> dims;  // ggml's order: innermost first
  std::uint32_t type = 0;          // a ggml type, possibly one Cradle does not decode
  std::uint64_t offset = 0;        // from the data section's start
  std::vector<std::int64_t> torch_shape() const { return {dims.rbegin(), dims.rend()}; }
};

struct GgufFile {
  std::string origin;  // names the file in errors
  std::uint32_t version = 0;
  std::vector<std::pair<std::string, GgufValue>> metadata;
  std::vector<GgufTensorInfo> tensors;
  std::uint64_t data_offset = 0;  // where the data section starts in `bytes`
  std::string bytes;              // the whole file

  const GgufValue* find(const std::string& key) const;
  const GgufTensorInfo* find_tensor(const std::string& name) const;
  // The tensor's bytes; DataError for a ggml type Cradle does not read (it checks F32, F16 and Q8_0 sizes).
  std::string tensor_bytes(const GgufTensorInfo& info) const;
};

// DataError naming the origin and the byte offset: a wrong magic or version,
// counts or lengths past the end, an unknown value type, nested arrays, more
// than 4 dimensions, a tensor whose data is misaligned or runs past the end,
// duplicate keys or tensor names.
GgufFile parse_gguf(std::string bytes, const std::string& origin);
GgufFile read_gguf(const std::filesystem::path& path);  // IoError when unreadable

}  // namespace cradle
