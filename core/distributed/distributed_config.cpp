#include "core/distributed/distributed_config.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "core/common/error.h"

namespace cradle {
namespace {

// A whole decimal number within [low, high], or ConfigError naming `name`.
int integer_variable(const std::string& name, const std::string& text, long low, long high) {
  errno = 0;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || value < low || value > high)
    throw ConfigError("environment variable " + name + "=\"" + text + "\": expected a whole number from " +
                      std::to_string(low) + " to " + std::to_string(high));
  return static_cast<int>(value);
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::optional<DistributedConfig> distributed_config_from(const EnvironmentLookup& environment) {
  const auto world_size = environment("WORLD_SIZE");
  if (!world_size) return std::nullopt;
  DistributedConfig config;
  config.world_size = integer_variable("WORLD_SIZE", *world_size, 1, 65536);
  const auto rank = environment("RANK");
  if (!rank)
    throw ConfigError("environment variable RANK: missing (WORLD_SIZE is set, so this is one rank of a group)");
  config.rank = integer_variable("RANK", *rank, 0, config.world_size - 1);
  if (const auto local_rank = environment("LOCAL_RANK"))
    config.local_rank = integer_variable("LOCAL_RANK", *local_rank, 0, config.world_size - 1);
  config.local_world_size = 1;
  if (const auto local_world_size = environment("LOCAL_WORLD_SIZE"))
    config.local_world_size = integer_variable("LOCAL_WORLD_SIZE", *local_world_size, 1, config.world_size);
  if (const auto address = environment("MASTER_ADDR"); address && !address->empty()) config.master_addr = *address;
  if (config.world_size > 1) {
    const auto port = environment("MASTER_PORT");
    if (!port)
      throw ConfigError("environment variable MASTER_PORT: missing (the port rank 0 listens on for the others)");
    config.master_port = integer_variable("MASTER_PORT", *port, 1, 65535);
  }
  if (const auto timeout = environment("CRADLE_DIST_TIMEOUT_S"))
    config.timeout = std::chrono::seconds(integer_variable("CRADLE_DIST_TIMEOUT_S", *timeout, 1, 86400));
  if (const auto interface = environment("GLOO_SOCKET_IFNAME")) config.socket_interface = *interface;
  return config;
}

int threads_per_local_process(int cores, int local_world_size) {
  return std::max(1, cores / std::max(1, local_world_size));
}

}  // namespace cradle
