#include "core/data/data_cache_entries.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "core/common/error.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kKeyLength = 32;

bool is_cache_key_prefix(const std::string& name) {
  if (name.size() <= kKeyLength || name[kKeyLength] != '.') return false;
  return std::all_of(name.begin(), name.begin() + kKeyLength,
                     [](unsigned char c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); });
}

// write_file_atomically's temporaries: ".<target name>.tmp-<pid>-<n>".
bool is_temporary(const std::string& name) {
  return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

}  // namespace

std::vector<DataCacheEntry> list_data_cache(const fs::path& dir) {
  std::map<std::string, DataCacheEntry> by_key;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    const std::string name = item.path().filename().string();
    if (!item.is_regular_file(ec) || !is_cache_key_prefix(name)) continue;
    DataCacheEntry& entry = by_key[name.substr(0, kKeyLength)];
    entry.key = name.substr(0, kKeyLength);
    const auto size = item.file_size(ec);
    entry.bytes += ec ? 0 : size;
    const auto time = item.last_write_time(ec);
    if (!ec && (entry.files.empty() || time > entry.last_used)) entry.last_used = time;
    entry.files.push_back(item.path());
  }
  std::vector<DataCacheEntry> entries;
  for (auto& [key, entry] : by_key) entries.push_back(std::move(entry));
  std::sort(entries.begin(), entries.end(),
            [](const DataCacheEntry& a, const DataCacheEntry& b) { return a.last_used > b.last_used; });
  return entries;
}

void touch_data_cache_entry(const fs::path& dir, const std::string& key) {
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    const std::string name = item.path().filename().string();
    if (name.size() > key.size() && name.compare(0, key.size(), key) == 0 && name[key.size()] == '.')
      fs::last_write_time(item.path(), now, ec);  // a read-only cache just ages
  }
}

CacheEviction evict_data_cache(const fs::path& dir, std::uintmax_t limit_bytes) {
  CacheEviction result;
  std::error_code ec;
  const auto stale_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    std::error_code item_ec;
    if (is_temporary(item.path().filename().string()) && item.last_write_time(item_ec) < stale_before && !item_ec) {
      const auto size = item.file_size(item_ec);
      if (fs::remove(item.path(), item_ec)) result.bytes_removed += item_ec ? 0 : size;
    }
  }
  const auto entries = list_data_cache(dir);  // newest first
  std::uintmax_t kept = 0;
  bool full = false;  // once an entry does not fit, every older one goes too (strict LRU)
  for (const auto& entry : entries) {
    full = full || kept + entry.bytes > limit_bytes;
    if (!full) {
      kept += entry.bytes;
      continue;
    }
    for (const auto& file : entry.files) fs::remove(file, ec);
    ++result.entries_removed;
    result.bytes_removed += entry.bytes;
  }
  result.bytes_left = kept;
  return result;
}

std::uintmax_t parse_byte_size(const std::string& text, const std::string& what) {
  const auto fail = [&]() -> std::uintmax_t {
    throw ConfigError(what + ": expected a size such as 4G, 500M or a number of bytes, got \"" + text + "\"");
  };
  if (text.empty()) return fail();
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(number >= 0) || !std::isfinite(number)) return fail();
  std::string unit(end);
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();  // "4GB", "4gib"
  if (unit.size() == 2 && unit[1] == 'i') unit.pop_back();
  static const std::map<std::string, double> scale = {
      {"", 1.0}, {"k", 1024.0}, {"m", 1024.0 * 1024}, {"g", 1024.0 * 1024 * 1024}, {"t", 1024.0 * 1024 * 1024 * 1024}};
  const auto it = scale.find(unit);
  if (it == scale.end() || number * it->second > 1e18) return fail();
  return static_cast<std::uintmax_t>(number * it->second);
}

std::uintmax_t data_cache_limit() {
  const char* text = std::getenv("CRADLE_CACHE_MAX_SIZE");
  if (!text || !*text) return std::uintmax_t{4} << 30;
  return parse_byte_size(text, "CRADLE_CACHE_MAX_SIZE");
}

std::string format_byte_size(std::uintmax_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) value /= 1024, ++unit;
  char text[32];
  if (unit == 0)
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

}  // namespace cradle
