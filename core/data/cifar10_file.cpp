#include "core/data/cifar10_file.h"

#include "core/common/error.h"
#include "core/common/utf8.h"

namespace cradle {

CifarRecords parse_cifar10(std::string_view bytes, const std::string& origin) {
  if (bytes.empty()) throw DataError(origin + ": empty file; a CIFAR-10 batch holds records of 3,073 bytes");
  const auto size = static_cast<std::int64_t>(bytes.size());
  if (size % kCifarRecordBytes != 0) {
    const std::int64_t whole = size / kCifarRecordBytes;
    throw DataError(origin + ": " + std::to_string(size) +
                    " bytes is not a whole number of 3,073-byte CIFAR-10 records; record " + std::to_string(whole) +
                    " (from byte " + std::to_string(whole * kCifarRecordBytes) + ") is truncated");
  }
  CifarRecords records;
  const std::int64_t count = size / kCifarRecordBytes;
  records.labels.resize(static_cast<size_t>(count));
  records.pixels.resize(static_cast<size_t>(count * kCifarImageBytes));
  for (std::int64_t r = 0; r < count; ++r) {
    const auto* record = reinterpret_cast<const std::uint8_t*>(bytes.data()) + r * kCifarRecordBytes;
    if (record[0] >= kCifarClasses)
      throw DataError(origin + ": record " + std::to_string(r) + " (byte " + std::to_string(r * kCifarRecordBytes) +
                      ") has label " + std::to_string(record[0]) + "; CIFAR-10 labels are 0 to 9");
    records.labels[static_cast<size_t>(r)] = record[0];
    std::copy(record + 1, record + kCifarRecordBytes, records.pixels.begin() + r * kCifarImageBytes);
  }
  return records;
}

std::vector<std::string> parse_cifar10_meta(std::string_view text, const std::string& origin) {
  if (const auto bad = first_invalid_utf8_byte(text))
    throw DataError(origin + ": byte " + std::to_string(*bad) + " is not valid UTF-8");
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (!line.empty()) names.push_back(line);
    start = end + 1;
  }
  if (names.size() != kCifarClasses)
    throw DataError(origin + ": expected 10 class names, one per line, found " + std::to_string(names.size()));
  return names;
}

}  // namespace cradle
