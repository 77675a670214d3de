#pragma once
// The safetensors header, parsed and checked without LibTorch (so the fuzz
// target can run it): the 8-byte little-endian length, the JSON, and every
// tensor's dtype, shape and byte range, which must tile the data exactly.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // "F32", "I64", ...
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0, end = 0;  // byte range within the data
};

struct SafetensorsLayout {
  std::vector<SafetensorsEntry> entries;  // in the header's order
  std::map<std::string, std::string> metadata;
  std::uint64_t data_start = 0;  // offset of the data in the file
};

// The bytes per element of a safetensors dtype name; 0 when it is not one this reader knows.
std::uint64_t safetensors_element_size(std::string_view dtype);

// DataError naming `origin` and what is wrong.
SafetensorsLayout parse_safetensors_header(std::string_view bytes, const std::string& origin);

}  // namespace cradle
