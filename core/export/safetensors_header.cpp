#include "core/export/safetensors_header.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace cradle {
namespace {

constexpr std::uint64_t kMaxHeader = 100u << 20;  // safetensors' own limit is 100 MB
constexpr std::uint64_t kMaxElements = 1ull << 40;

[[noreturn]] void malformed(const std::string& origin, const std::string& what) {
  throw DataError(origin + ": " + what);
}

}  // namespace

std::uint64_t safetensors_element_size(std::string_view dtype) {
  if (dtype == "F64" || dtype == "I64") return 8;
  if (dtype == "F32" || dtype == "I32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  return 0;
}

SafetensorsLayout parse_safetensors_header(std::string_view bytes, const std::string& origin) {
  const auto fail = [&origin](const std::string& what) { malformed(origin, what); };
  if (bytes.size() < 8)
    fail("not a safetensors file: " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length");
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  if (length > kMaxHeader || length > bytes.size() - 8)
    fail("header length " + std::to_string(length) + " at byte 0 runs past the end of the file (" +
         std::to_string(bytes.size()) + " bytes)");
  nlohmann::ordered_json header;
  try {
    header = nlohmann::ordered_json::parse(bytes.substr(8, static_cast<std::size_t>(length)));
  } catch (const nlohmann::json::exception& error) {
    fail(std::string("header is not valid JSON (") + error.what() + ")");
  }
  if (!header.is_object()) fail("header is not a JSON object");
  SafetensorsLayout layout;
  layout.data_start = 8 + length;
  const std::uint64_t data_size = bytes.size() - layout.data_start;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail("__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) fail("__metadata__." + key + " is not a string");
        layout.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor \"" + name + "\"";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
      fail(where + ": expected {\"dtype\", \"shape\", \"data_offsets\"}");
    SafetensorsEntry e;
    e.name = name;
    if (!entry["dtype"].is_string() || safetensors_element_size(entry["dtype"].get<std::string>()) == 0)
      fail(where + ": unknown dtype " + entry["dtype"].dump());
    e.dtype = entry["dtype"].get<std::string>();
    if (!entry["shape"].is_array()) fail(where + ": shape is not an array");
    std::uint64_t elements = 1;
    for (const auto& d : entry["shape"]) {
      if (!d.is_number_unsigned())
        fail(where + ": shape " + entry["shape"].dump() + " holds a value that is not a size");
      const auto size = d.get<std::uint64_t>();
      if (size > kMaxElements || (size > 0 && elements > kMaxElements / size))
        fail(where + ": shape " + entry["shape"].dump() + " is too large");
      elements *= size;
      e.shape.push_back(static_cast<std::int64_t>(size));
    }
    const auto& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      fail(where + ": data_offsets is not [begin, end]");
    e.begin = offsets[0].get<std::uint64_t>();
    e.end = offsets[1].get<std::uint64_t>();
    if (e.begin > e.end || e.end > data_size)
      fail(where + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "] lie outside the " +
           std::to_string(data_size) + " data bytes");
    const std::uint64_t needed = elements * safetensors_element_size(e.dtype);
    if (e.end - e.begin != needed)
      fail(where + ": shape " + entry["shape"].dump() + " of " + e.dtype + " needs " + std::to_string(needed) +
           " bytes, data_offsets give " + std::to_string(e.end - e.begin));
    layout.entries.push_back(std::move(e));
  }
  // The tensors tile the data exactly: no overlaps, no gaps (as the format requires).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& e : layout.entries) ranges.emplace_back(e.begin, e.end);
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t expected = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin != expected)
      fail("tensor data overlaps or leaves a gap at data byte " + std::to_string(std::min(begin, expected)));
    expected = end;
  }
  if (expected != data_size)
    fail(std::to_string(data_size - expected) + " data bytes after the last tensor belong to none");
  return layout;
}

}  // namespace cradle
