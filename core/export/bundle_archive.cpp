#include "core/export/bundle_archive.h"

#include <zlib.h>

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndRecord = 0x06054b50;

void put16(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}
std::uint32_t get16(std::string_view b, std::uint64_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8;
}
std::uint32_t get32(std::string_view b, std::uint64_t at) { return get16(b, at) | get16(b, at + 2) << 16; }

std::uint32_t crc_of(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (std::size_t done = 0; done < data.size();) {  // crc32 takes at most a uInt at a time
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(data.size() - done, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + done), chunk);
    done += chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

[[noreturn]] void bad(const std::string& origin, const std::string& what) { throw DataError(origin + ": " + what); }

bool safe_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos ||
      name.find(':') != std::string::npos)
    return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto end = std::min(name.find('/', start), name.size());
    const std::string part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

void pack_bundle(const fs::path& folder, const fs::path& archive) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::string out, central;
  for (const auto& file : files) {
    const std::string name = fs::relative(file, folder).generic_string();
    const std::string data = read_file(file);
    if (data.size() >= 0xFFFFFFFFu || out.size() + data.size() >= 0xFFFFFFFFu)
      throw IoError(archive.string() + ": over 4 GB; keep the bundle as a folder");
    const std::uint32_t crc = crc_of(data), offset = static_cast<std::uint32_t>(out.size());
    const auto size = static_cast<std::uint32_t>(data.size());
    // Local header: version 2.0, no flags, stored, no time, CRC, sizes, name.
    put32(out, kLocalHeader);
    put16(out, 20);
    put16(out, 0);
    put16(out, 0);
    put16(out, 0);
    put16(out, 0x21);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, static_cast<std::uint32_t>(name.size()));
    put16(out, 0);
    out += name;
    out += data;
    put32(central, kCentralHeader);
    put16(central, 20);
    put16(central, 20);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0x21);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, static_cast<std::uint32_t>(name.size()));
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put32(central, 0);
    put32(central, offset);
    central += name;
  }
  const auto directory_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, kEndRecord);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(files.size()));
  put16(out, static_cast<std::uint32_t>(files.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, directory_offset);
  put16(out, 0);
  write_text_atomically(archive, out);
}

std::vector<ZipEntry> read_zip_directory(std::string_view b, const std::string& origin) {
  if (b.size() < 22) bad(origin, "not a zip archive (" + std::to_string(b.size()) + " bytes)");
  // The end record: the last 22 bytes, or earlier when a comment follows it.
  std::uint64_t end = b.size() - 22;
  const std::uint64_t lowest = b.size() > 22 + 0xFFFF ? b.size() - 22 - 0xFFFF : 0;
  while (get32(b, end) != kEndRecord) {
    if (end == lowest) bad(origin, "not a zip archive: no end-of-directory record");
    --end;
  }
  const std::uint32_t count = get16(b, end + 10), directory_size = get32(b, end + 12),
                      directory_offset = get32(b, end + 16);
  if (count == 0xFFFF || directory_offset == 0xFFFFFFFFu)
    bad(origin, "a zip64 archive; Cradle reads the archives it writes (no zip64)");
  if (static_cast<std::uint64_t>(directory_offset) + directory_size > end)
    bad(origin, "the central directory (byte " + std::to_string(directory_offset) + ", " +
                    std::to_string(directory_size) + " bytes) runs past the end record");
  std::vector<ZipEntry> entries;
  std::set<std::string> names;
  std::uint64_t at = directory_offset;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string where =
        "entry " + std::to_string(i + 1) + " of the central directory (byte " + std::to_string(at) + ")";
    if (at + 46 > static_cast<std::uint64_t>(directory_offset) + directory_size || get32(b, at) != kCentralHeader)
      bad(origin, where + " is not a directory entry");
    const std::uint32_t method = get16(b, at + 10), crc = get32(b, at + 16), compressed = get32(b, at + 20),
                        size = get32(b, at + 24), name_length = get16(b, at + 28), extra = get16(b, at + 30),
                        comment = get16(b, at + 32), local = get32(b, at + 42);
    if (at + 46 + name_length > b.size()) bad(origin, where + ": its name runs past the end");
    ZipEntry e;
    e.name = std::string(b.substr(at + 46, name_length));
    if (method != 0 || compressed != size)
      bad(origin, "\"" + e.name + "\" is compressed (method " + std::to_string(method) +
                      "); Cradle reads stored entries, as it writes them");
    if (!safe_name(e.name)) bad(origin, "entry name \"" + e.name + "\" would leave the bundle's folder");
    if (!names.insert(e.name).second) bad(origin, "entry \"" + e.name + "\" appears twice");
    if (static_cast<std::uint64_t>(local) + 30 > b.size() || get32(b, local) != kLocalHeader)
      bad(origin, "\"" + e.name + "\": no local header at byte " + std::to_string(local));
    e.offset = static_cast<std::uint64_t>(local) + 30 + get16(b, local + 26) + get16(b, local + 28);
    e.size = size;
    e.crc32 = crc;
    if (e.offset + e.size > directory_offset)
      bad(origin, "\"" + e.name + "\": its " + std::to_string(size) + " bytes at byte " + std::to_string(e.offset) +
                      " run past the data");
    entries.push_back(std::move(e));
    at += 46 + static_cast<std::uint64_t>(name_length) + extra + comment;
  }
  return entries;
}

void unpack_bundle(const fs::path& archive, const fs::path& folder) {
  if (!fs::is_regular_file(archive)) throw IoError(archive.string() + ": no such file");
  const std::string bytes = read_file(archive);
  const auto entries = read_zip_directory(bytes, archive.string());
  for (const auto& e : entries) {
    const std::string_view data(bytes.data() + e.offset, static_cast<std::size_t>(e.size));
    if (crc_of(data) != e.crc32)
      throw DataError(archive.string() + ": \"" + e.name + "\" fails its CRC-32 check (the file is damaged)");
    const fs::path target = folder / fs::path(e.name);
    fs::create_directories(target.parent_path());
    write_text_atomically(target, data);
  }
}

}  // namespace cradle
