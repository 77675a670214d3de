#pragma once
// The one-file form of a model bundle: `NAME.cradle`, a zip archive of the
// bundle folder (stored entries, CRC-32 checked), which any zip tool lists and
// unpacks. Cradle reads only what it writes: stored (uncompressed) entries
// without zip64; the weights compress poorly anyway.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

struct ZipEntry {
  std::string name;          // a relative path with '/' separators
  std::uint64_t offset = 0;  // of the data in the archive
  std::uint64_t size = 0;
  std::uint32_t crc32 = 0;
};

// Zips every file under `folder` into `archive` (written atomically).
void pack_bundle(const std::filesystem::path& folder, const std::filesystem::path& archive);

// The archive's entries, checked: the end record and central directory where
// they say, stored entries only, names that stay inside the folder (no
// absolute paths, no "..", no backslashes, no duplicates), data inside the
// file. DataError naming `origin` and the entry. No LibTorch: the fuzz target runs it.
std::vector<ZipEntry> read_zip_directory(std::string_view bytes, const std::string& origin);

// Unpacks `archive` into `folder` (created), checking every entry's CRC-32.
void unpack_bundle(const std::filesystem::path& archive, const std::filesystem::path& folder);

}  // namespace cradle
