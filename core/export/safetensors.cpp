#include "core/export/safetensors.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/mapped_file.h"
#include "core/export/safetensors_header.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

struct DtypeName {
  torch::ScalarType type;
  const char* name;
};
constexpr DtypeName kDtypes[] = {{torch::kFloat32, "F32"},   {torch::kFloat64, "F64"}, {torch::kFloat16, "F16"},
                                 {torch::kBFloat16, "BF16"}, {torch::kInt64, "I64"},   {torch::kInt32, "I32"},
                                 {torch::kInt16, "I16"},     {torch::kInt8, "I8"},     {torch::kUInt8, "U8"},
                                 {torch::kBool, "BOOL"}};

const char* dtype_name(torch::ScalarType type) {
  for (const auto& d : kDtypes)
    if (d.type == type) return d.name;
  throw Error(std::string("safetensors: no dtype name for ") + c10::toString(type));
}

}  // namespace

void write_safetensors(const fs::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> data;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__") throw Error("safetensors: a tensor may not be named __metadata__");
    const auto t = tensor.detach().cpu().contiguous();
    const std::uint64_t bytes = static_cast<std::uint64_t>(t.numel()) * t.element_size();
    header[name] = {
        {"dtype", dtype_name(t.scalar_type())}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(t);
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  std::string out(8, '\0');
  const std::uint64_t length = text.size();
  for (int i = 0; i < 8; ++i)
    out[static_cast<std::size_t>(i)] = static_cast<char>((length >> (8 * i)) & 0xFF);  // little-endian
  out += text;
  out.reserve(out.size() + offset);
  for (const auto& t : data)
    out.append(static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.numel() * t.element_size()));
  write_text_atomically(path, out);
}

namespace {

// The tensors of a checked layout over `bytes`; `tensor_over` gives each
// tensor for its bytes (copied, or a view of a mapping).
template <class TensorOver>
SafetensorsFile tensors_of(const SafetensorsLayout& layout, std::string_view bytes, TensorOver tensor_over) {
  SafetensorsFile file;
  file.metadata = layout.metadata;
  for (const auto& e : layout.entries) {
    const auto found =
        std::find_if(std::begin(kDtypes), std::end(kDtypes), [&](const DtypeName& d) { return e.dtype == d.name; });
    const auto options = torch::TensorOptions().dtype(found->type);
    const char* data = bytes.data() + layout.data_start + e.begin;
    file.tensors.emplace_back(e.name,
                              e.end > e.begin ? tensor_over(data, e.shape, options) : torch::empty(e.shape, options));
  }
  return file;
}

}  // namespace

SafetensorsFile parse_safetensors(const std::string& bytes, const std::string& origin) {
  const SafetensorsLayout layout = parse_safetensors_header(bytes, origin);
  return tensors_of(layout, bytes,
                    [](const char* data, const std::vector<std::int64_t>& shape, const torch::TensorOptions& options) {
                      auto tensor = torch::empty(shape, options);
                      std::memcpy(tensor.data_ptr(), data, tensor.nbytes());
                      return tensor;
                    });
}

SafetensorsFile read_safetensors(const fs::path& path) {
  if (!fs::exists(path)) throw IoError(path.string() + ": no such file");
  const auto mapping = MappedFile::open(path);
  const SafetensorsLayout layout = parse_safetensors_header(mapping->bytes(), path.string());
  return tensors_of(layout, mapping->bytes(),
                    [&](const char* data, const std::vector<std::int64_t>& shape, const torch::TensorOptions& options) {
                      // A view of the mapping, which lives as long as a tensor over it (its pages are read when first
                      // used; a write copies the page, never the file). A tensor whose bytes do not start at a multiple
                      // of its element size (safetensors does not pad between tensors) is copied to aligned memory.
                      const auto offset = static_cast<std::size_t>(data - mapping->bytes().data());
                      void* start = static_cast<char*>(mapping->writable_data()) + offset;
                      const auto view = torch::from_blob(
                          start, shape, [mapping](void*) {}, options);
                      return reinterpret_cast<std::uintptr_t>(start) % view.element_size() == 0 ? view : view.clone();
                    });
}

}  // namespace cradle
