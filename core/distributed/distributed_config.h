#pragma once
// Where this process stands in a data-parallel job, read from the variables
// torchrun sets (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT), so a scheduler that launches torchrun-style jobs launches
// cradle-cli unchanged. `cradle-cli train --nproc N` sets the same variables
// for the workers it starts. No LibTorch here: the terminal front end reads it.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace cradle {

struct DistributedConfig {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;  // processes on this machine (threads are divided between them)
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  // How long a collective (or the rendezvous) may wait for the other ranks
  // before this one gives up with an error: CRADLE_DIST_TIMEOUT_S, default 600.
  // It must cover rank 0's validation pass, during which the others wait.
  std::chrono::seconds timeout{600};
  // GLOO_SOCKET_IFNAME, as PyTorch reads it: the network interface to use.
  std::string socket_interface;
};

// Looks a variable up; the process environment by default (tests pass a map).
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

// The configuration when WORLD_SIZE is set (a group of one is allowed);
// nothing when it is not. ConfigError naming the variable when one is
// malformed, out of range, or RANK / MASTER_PORT is missing.
std::optional<DistributedConfig> distributed_config_from(const EnvironmentLookup& environment);

// Threads for each of `local_world_size` processes sharing `cores`.
int threads_per_local_process(int cores, int local_world_size);

}  // namespace cradle
