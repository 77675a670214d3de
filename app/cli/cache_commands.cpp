// `cradle-cli cache list | prune | clear`: the data cache folder, seen and trimmed by hand.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "core/data/data_cache.h"
#include "core/data/data_cache_entries.h"

namespace cradle::cli {
namespace {

std::string local_time_text(std::filesystem::file_time_type time) {
  // file_time_type's clock is not system_clock in C++17: shift by "now" on both clocks.
  const auto system =
      std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                             time - std::filesystem::file_time_type::clock::now());
  const std::time_t t = std::chrono::system_clock::to_time_t(system);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", std::localtime(&t));
  return text;
}

}  // namespace

int cache_list() {
  const auto dir = data_cache_dir();
  const auto entries = list_data_cache(dir);
  std::uintmax_t total = 0;
  for (const auto& entry : entries) total += entry.bytes;
  std::printf("data cache %s: %zu entries, %s (limit %s)\n", dir.string().c_str(), entries.size(),
              format_byte_size(total).c_str(), format_byte_size(data_cache_limit()).c_str());
  if (entries.empty()) return 0;
  std::printf("\n%-32s  %10s  %-16s  %s\n", "key", "size", "last used", "kind");
  for (const auto& entry : entries) {
    bool text = false;
    for (const auto& file : entry.files)
      text = text || file.filename().string().find(".text.json") != std::string::npos;
    std::printf("%-32s  %10s  %-16s  %s\n", entry.key.c_str(), format_byte_size(entry.bytes).c_str(),
                local_time_text(entry.last_used).c_str(), text ? "prepared text" : "tensors");
  }
  return 0;
}

int cache_prune(const CachePruneRequest& request) {
  const auto limit = request.max_size.empty() ? data_cache_limit() : parse_byte_size(request.max_size, "--max-size");
  const auto result = evict_data_cache(data_cache_dir(), limit);
  std::printf("removed %lld entries (%s); %s left in %s\n", static_cast<long long>(result.entries_removed),
              format_byte_size(result.bytes_removed).c_str(), format_byte_size(result.bytes_left).c_str(),
              data_cache_dir().string().c_str());
  return 0;
}

int cache_clear() { return cache_prune(CachePruneRequest{"0"}); }

void add_cache_commands(CLI::App& app, CommandChoice& choice) {
  auto prune_request = std::make_shared<CachePruneRequest>();
  auto* cache = app.add_subcommand("cache", "Look at or trim the prepared-data cache");
  cache->require_subcommand(1);
  cache->add_subcommand("list", "List the cache's entries, most recently used first")->callback([&choice] {
    choice.run = cache_list;
  });
  auto* prune_command = cache->add_subcommand("prune", "Remove least recently used entries beyond a size");
  prune_command->add_option("--max-size", prune_request->max_size,
                            "Size to keep, e.g. 2G or 500M (default $CRADLE_CACHE_MAX_SIZE or 4G)");
  prune_command->callback(
      [&choice, prune_request] { choice.run = [prune_request] { return cache_prune(*prune_request); }; });
  cache->add_subcommand("clear", "Remove every entry")->callback([&choice] { choice.run = cache_clear; });
}

}  // namespace cradle::cli
