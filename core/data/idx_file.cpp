#include "core/data/idx_file.h"

#include <cstdio>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/gzip.h"

namespace cradle {

IdxArray parse_idx(std::string_view bytes, const std::string& origin) {
  if (bytes.size() < 4)
    throw DataError(origin + ": not an IDX file: " + std::to_string(bytes.size()) + " bytes, the header alone needs 4");
  const auto byte = [&](size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  if (byte(0) != 0 || byte(1) != 0)
    throw DataError(origin + ": not an IDX file: the magic number must start with two zero bytes");
  if (byte(2) != 0x08) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte(2));
    throw DataError(origin + ": IDX value type " + hex + " at byte 2 is not supported (only 0x08, unsigned bytes)");
  }
  const int rank = byte(3);
  if (rank < 1 || rank > 4)
    throw DataError(origin + ": IDX rank " + std::to_string(rank) + " at byte 3 is out of range (1 to 4)");
  const size_t header = 4 + 4 * static_cast<size_t>(rank);
  if (bytes.size() < header)
    throw DataError(origin + ": truncated IDX header: " + std::to_string(bytes.size()) + " bytes, rank " +
                    std::to_string(rank) + " needs " + std::to_string(header));

  IdxArray array;
  std::uint64_t expected = 1;
  for (int d = 0; d < rank; ++d) {
    const size_t at = 4 + 4 * static_cast<size_t>(d);
    const std::uint32_t size = (std::uint32_t(byte(at)) << 24) | (std::uint32_t(byte(at + 1)) << 16) |
                               (std::uint32_t(byte(at + 2)) << 8) | std::uint32_t(byte(at + 3));
    if (size == 0)
      throw DataError(origin + ": IDX dimension " + std::to_string(d) + " at byte " + std::to_string(at) + " is 0");
    expected *= size;
    if (expected > (std::uint64_t(1) << 40))
      throw DataError(origin + ": IDX dimensions at bytes 4.." + std::to_string(header - 1) +
                      " describe more than 2^40 values");
    array.dims.push_back(size);
  }
  const std::uint64_t actual = bytes.size() - header;
  if (actual != expected) {
    std::string shape;
    for (auto d : array.dims) shape += (shape.empty() ? "" : "x") + std::to_string(d);
    throw DataError(origin + ": IDX header says " + shape + " = " + std::to_string(expected) + " values after byte " +
                    std::to_string(header) + ", the file has " + std::to_string(actual) +
                    (actual < expected ? " (truncated)" : " (trailing bytes)"));
  }
  array.values.assign(reinterpret_cast<const std::uint8_t*>(bytes.data()) + header,
                      reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size());
  return array;
}

IdxArray read_idx_file(const std::filesystem::path& path) {
  std::string bytes = read_file(path);
  if (looks_gzipped(bytes)) bytes = gunzip(bytes, path.string());
  return parse_idx(bytes, path.string());
}

}  // namespace cradle
