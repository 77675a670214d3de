#include "core/export/gguf_header.h"

#include <cstring>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace cradle {
namespace {

class ByteReader {
 public:
  ByteReader(const std::string& bytes, const std::string& origin) : bytes_(bytes), origin_(origin) {}

  template <typename T>
  T get(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::string get_string(const char* what) {
    const auto length = get<std::uint64_t>(what);
    need(length, what);
    std::string text = bytes_.substr(at_, length);
    at_ += length;
    return text;
  }
  void need(std::uint64_t size, const char* what) const {
    if (size > bytes_.size() - at_) fail(std::string(what) + " runs past the end of the file");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw DataError(origin_ + ": byte " + std::to_string(at_) + ": " + why);
  }
  std::uint64_t position() const { return at_; }
  std::uint64_t remaining() const { return bytes_.size() - at_; }

 private:
  const std::string& bytes_;
  const std::string& origin_;
  std::uint64_t at_ = 0;
};

nlohmann::json read_scalar(ByteReader& in, GgufValueType type) {
  switch (type) {
    case GgufValueType::UInt8: return in.get<std::uint8_t>("a value");
    case GgufValueType::Int8: return in.get<std::int8_t>("a value");
    case GgufValueType::UInt16: return in.get<std::uint16_t>("a value");
    case GgufValueType::Int16: return in.get<std::int16_t>("a value");
    case GgufValueType::UInt32: return in.get<std::uint32_t>("a value");
    case GgufValueType::Int32: return in.get<std::int32_t>("a value");
    case GgufValueType::Float32: return in.get<float>("a value");
    case GgufValueType::Bool: {
      const auto b = in.get<std::uint8_t>("a value");
      if (b > 1) in.fail("a bool is " + std::to_string(b));
      return b == 1;
    }
    case GgufValueType::String: return in.get_string("a string");
    case GgufValueType::UInt64: return in.get<std::uint64_t>("a value");
    case GgufValueType::Int64: return in.get<std::int64_t>("a value");
    case GgufValueType::Float64: return in.get<double>("a value");
    case GgufValueType::Array: break;
  }
  in.fail("an array of arrays (not read)");
}

GgufValueType read_type(ByteReader& in) {
  const auto raw = in.get<std::uint32_t>("a value type");
  if (raw > static_cast<std::uint32_t>(GgufValueType::Float64)) in.fail("unknown value type " + std::to_string(raw));
  return static_cast<GgufValueType>(raw);
}

GgufValue read_value(ByteReader& in) {
  GgufValue value;
  value.type = read_type(in);
  if (value.type != GgufValueType::Array) {
    value.value = read_scalar(in, value.type);
    return value;
  }
  value.element = read_type(in);
  const auto count = in.get<std::uint64_t>("an array's length");
  // Every element takes at least one byte (a string eight): a count past the end is refused before anything is allocated.
  const std::uint64_t least = value.element == GgufValueType::String ? 8 : 1;
  if (count > in.remaining() / least) in.fail("an array of " + std::to_string(count) + " runs past the end");
  value.value = nlohmann::json::array();
  for (std::uint64_t i = 0; i < count; ++i) value.value.push_back(read_scalar(in, value.element));
  return value;
}

std::int64_t checked_elements(const GgufTensorInfo& info, ByteReader& in) {
  std::int64_t elements = 1;
  for (auto d : info.dims) {
    if (d <= 0 || d > (std::int64_t{1} << 40) || elements > (std::int64_t{1} << 50) / d)
      in.fail("tensor " + info.name + ": dimension " + std::to_string(d) + " out of range");
    elements *= d;
  }
  return elements;
}

}  // namespace

const GgufValue* GgufFile::find(const std::string& key) const {
  for (const auto& [k, v] : metadata)
    if (k == key) return &v;
  return nullptr;
}

const GgufTensorInfo* GgufFile::find_tensor(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

std::string GgufFile::tensor_bytes(const GgufTensorInfo& info) const {
  if (info.type != static_cast<std::uint32_t>(GgmlType::F32) &&
      info.type != static_cast<std::uint32_t>(GgmlType::F16) && info.type != static_cast<std::uint32_t>(GgmlType::Q8_0))
    throw DataError(origin + ": tensor " + info.name + " has ggml type " + std::to_string(info.type) +
                    "; Cradle reads F32, F16 and Q8_0");
  std::int64_t elements = 1;
  for (auto d : info.dims) elements *= d;
  return bytes.substr(data_offset + info.offset,
                      static_cast<std::size_t>(ggml_bytes(static_cast<GgmlType>(info.type), elements)));
}

GgufFile parse_gguf(std::string bytes, const std::string& origin) {
  GgufFile file;
  file.origin = origin;
  file.bytes = std::move(bytes);
  ByteReader in(file.bytes, origin);
  if (file.bytes.size() < 4 || file.bytes.compare(0, 4, "GGUF") != 0) in.fail("not a GGUF file (no GGUF magic)");
  in.get<std::uint32_t>("the magic");
  file.version = in.get<std::uint32_t>("the version");
  if (file.version != 2 && file.version != 3)
    in.fail("GGUF version " + std::to_string(file.version) + "; Cradle reads versions 2 and 3");
  const auto tensor_count = in.get<std::uint64_t>("the tensor count");
  const auto metadata_count = in.get<std::uint64_t>("the metadata count");
  // A key takes at least 12 bytes (length and type), a tensor info at least 28.
  if (metadata_count > in.remaining() / 12) in.fail(std::to_string(metadata_count) + " metadata entries cannot fit");
  if (tensor_count > in.remaining() / 28) in.fail(std::to_string(tensor_count) + " tensors cannot fit");
  std::set<std::string> keys;
  for (std::uint64_t i = 0; i < metadata_count; ++i) {
    std::string key = in.get_string("a metadata key");
    if (!keys.insert(key).second) in.fail("metadata key " + key + " appears twice");
    file.metadata.emplace_back(std::move(key), read_value(in));
  }
  std::uint64_t alignment = kGgufAlignment;
  if (const auto* a = file.find("general.alignment")) {
    if (a->type != GgufValueType::UInt32 || a->value.get<std::uint32_t>() == 0 ||
        (a->value.get<std::uint32_t>() & (a->value.get<std::uint32_t>() - 1)) != 0)
      in.fail("general.alignment must be a power of two stored as uint32");
    alignment = a->value.get<std::uint32_t>();
  }
  std::set<std::string> names;
  for (std::uint64_t i = 0; i < tensor_count; ++i) {
    GgufTensorInfo info;
    info.name = in.get_string("a tensor name");
    if (!names.insert(info.name).second) in.fail("tensor " + info.name + " appears twice");
    const auto dims = in.get<std::uint32_t>("a dimension count");
    if (dims == 0 || dims > kGgufMaxDimensions)
      in.fail("tensor " + info.name + " has " + std::to_string(dims) + " dimensions");
    for (std::uint32_t d = 0; d < dims; ++d)
      info.dims.push_back(static_cast<std::int64_t>(in.get<std::uint64_t>("a dimension")));
    info.type = in.get<std::uint32_t>("a tensor type");
    info.offset = in.get<std::uint64_t>("a tensor offset");
    if (info.offset % alignment != 0) in.fail("tensor " + info.name + "'s offset is not aligned");
    file.tensors.push_back(std::move(info));
  }
  file.data_offset = gguf_padded(in.position(), alignment);
  const std::uint64_t data_size = file.bytes.size() < file.data_offset ? 0 : file.bytes.size() - file.data_offset;
  for (const auto& info : file.tensors) {
    const std::int64_t elements = checked_elements(info, in);
    const bool known = info.type == static_cast<std::uint32_t>(GgmlType::F32) ||
                       info.type == static_cast<std::uint32_t>(GgmlType::F16) ||
                       info.type == static_cast<std::uint32_t>(GgmlType::Q8_0);
    if (!known) continue;  // its size needs a table of every ggml type; tensor() refuses it by name
    const auto type = static_cast<GgmlType>(info.type);
    if (type == GgmlType::Q8_0 && info.dims[0] % kQ8BlockValues != 0)
      in.fail("Q8_0 tensor " + info.name + "'s rows are not whole blocks");
    const auto size = static_cast<std::uint64_t>(ggml_bytes(type, elements));
    if (info.offset > data_size || size > data_size - info.offset)
      throw DataError(origin + ": tensor " + info.name + "'s data runs past the end of the file (truncated?)");
  }
  return file;
}

GgufFile read_gguf(const std::filesystem::path& path) { return parse_gguf(read_file(path), path.string()); }

}  // namespace cradle
