#pragma once
// Housekeeping of the data cache folder (core/data/data_cache.h): its entries,
// least recently used first out when the folder outgrows its limit, and the
// leftovers of a writer that was killed. Needs no LibTorch.
//
// An entry is every file whose name starts with the same 32-hex-digit key
// (<key>.json + <key>.pt for tensors, <key>.text.json for text). Its "last
// used" time is its newest file's modification time; a cache hit renews it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cradle {

struct DataCacheEntry {
  std::string key;
  std::uintmax_t bytes = 0;
  std::filesystem::file_time_type last_used;
  std::vector<std::filesystem::path> files;
};

// Entries of `dir`, most recently used first; none when the folder is absent.
std::vector<DataCacheEntry> list_data_cache(const std::filesystem::path& dir);

// Marks an entry as just used, so eviction keeps it longest.
void touch_data_cache_entry(const std::filesystem::path& dir, const std::string& key);

struct CacheEviction {
  std::int64_t entries_removed = 0;
  std::uintmax_t bytes_removed = 0;
  std::uintmax_t bytes_left = 0;
};

// Removes least recently used entries until the rest fit in `limit_bytes`
// (an entry larger than the limit on its own goes too), and temporary files
// older than an hour (a writer killed mid-write).
CacheEviction evict_data_cache(const std::filesystem::path& dir, std::uintmax_t limit_bytes);

// The cache's size limit: $CRADLE_CACHE_MAX_SIZE ("500M", "4G", "123456"),
// else 4 GiB. ConfigError naming the variable for an unreadable value.
std::uintmax_t data_cache_limit();

// "4G", "512M", "100k", "1.5G" or a plain number of bytes (powers of 1024).
// ConfigError naming `what` otherwise.
std::uintmax_t parse_byte_size(const std::string& text, const std::string& what);

// "1.4 GiB", "213.0 MiB", "512 B".
std::string format_byte_size(std::uintmax_t bytes);

}  // namespace cradle
