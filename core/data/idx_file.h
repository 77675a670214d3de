#pragma once
// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, rank),
// rank big-endian 32-bit dimensions, then the values. Only unsigned bytes
// (type 0x08) occur in those sets and only they are accepted.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> values;
  std::int64_t count() const { return dims.empty() ? 0 : dims[0]; }
};

// Parses an uncompressed IDX image; DataError names `origin` and the byte.
IdxArray parse_idx(std::string_view bytes, const std::string& origin);

// Reads a file, gzip-compressed or plain, and parses it.
IdxArray read_idx_file(const std::filesystem::path& path);

}  // namespace cradle
