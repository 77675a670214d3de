#pragma once
// One process's membership of a data-parallel group, on PyTorch's own c10d:
// rendezvous through a TCPStore hosted by rank 0, collectives through
// ProcessGroupGloo (CPU tensors). What the Trainer needs of it: parameters
// made identical (broadcast from rank 0), gradients averaged in buckets, small
// sums and agreements (logged metrics, stop requests), and strings passed
// through the store (the run folder rank 0 made). A peer that dies or stops
// answering makes every call here throw cradle::Error naming this rank and
// the timeout, rather than hang.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/distributed/distributed_config.h"

namespace at {
class Tensor;  // LibTorch stays out of this header: the terminal front end includes it
}  // namespace at

namespace cradle {

class DataParallelGroup {
 public:
  // Joins the group (waits up to config.timeout for every rank to arrive).
  explicit DataParallelGroup(const DistributedConfig& config);
  ~DataParallelGroup();
  DataParallelGroup(const DataParallelGroup&) = delete;
  DataParallelGroup& operator=(const DataParallelGroup&) = delete;

  int rank() const;
  int size() const;
  bool is_main() const { return rank() == 0; }  // the rank that writes files
  const DistributedConfig& config() const;
  std::string description() const;  // "2 processes, gloo over 127.0.0.1:29500"

  // Overwrites every rank's tensors with rank 0's (in place).
  void broadcast_from_main(const std::vector<at::Tensor>& tensors);
  // Replaces each parameter's gradient with the mean over the ranks. The
  // gradients travel in flat buckets of about `bucket_bytes` (the last
  // parameters first, as backward produces them), all in flight at once.
  // A parameter without a gradient on this rank counts as zeros.
  void average_gradients(const std::vector<at::Tensor>& parameters);
  // Element-wise sum over the ranks, in place.
  void sum(at::Tensor& tensor);
  // True on every rank when it is true on any.
  bool any(bool flag);
  void barrier();

  // A value for every rank to read once (rank 0 announcing the run folder).
  void publish(const std::string& key, const std::string& value);
  std::string wait_for(const std::string& key);

  std::int64_t bucket_bytes = 25 << 20;  // PyTorch DDP's default bucket_cap_mb

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Data-parallel sampling (torch.utils.data.DistributedSampler's): the epoch's
// order padded from its start to a multiple of `world_size`, then every
// world_size-th index from `rank`. The ranks' shards are equally long, so they
// take the same number of steps, and rank r's batch k with batch size b holds
// what one process's batch k with batch size b·world_size holds at positions
// r, r + world_size, ...
std::vector<std::int64_t> rank_shard(const std::vector<std::int64_t>& order, int rank, int world_size);
std::int64_t rank_shard_size(std::int64_t samples, int world_size);

}  // namespace cradle
