#pragma once
// The CIFAR-10 binary layout: records of 1 label byte followed by 3,072 pixel
// bytes (1,024 red, then green, then blue, each 32x32 row-major), 10,000
// records per batch file; batches.meta.txt names the classes, one per line.
// Parsing needs no LibTorch, so the fuzz target links it alone.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

inline constexpr std::int64_t kCifarImageBytes = 3 * 32 * 32;
inline constexpr std::int64_t kCifarRecordBytes = 1 + kCifarImageBytes;
inline constexpr int kCifarClasses = 10;

struct CifarRecords {
  std::vector<std::uint8_t> labels;  // one per record
  std::vector<std::uint8_t> pixels;  // kCifarImageBytes per record, channel-major
  std::int64_t count() const { return static_cast<std::int64_t>(labels.size()); }
};

// DataError naming `origin`, the record and the byte on a bad file.
CifarRecords parse_cifar10(std::string_view bytes, const std::string& origin);

// Class names from batches.meta.txt: ten non-empty lines (blank lines ignored).
std::vector<std::string> parse_cifar10_meta(std::string_view text, const std::string& origin);

}  // namespace cradle
