// c10d's Gloo headers compile only with USE_C10D_GLOO defined (core/CMakeLists.txt
// sets it for this file alone).
#include "core/distributed/data_parallel_group.h"

#include <glog/logging.h>
#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/HashStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <map>

#include "core/common/error.h"

namespace cradle {

struct DataParallelGroup::State {
  DistributedConfig config;
  c10::intrusive_ptr<c10d::Store> store;        // TCPStore (HashStore for a group of one)
  c10::intrusive_ptr<c10d::Store> cradle_keys;  // our keys, apart from c10d's
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

  std::string who() const {
    return "distributed training (rank " + std::to_string(config.rank) + " of " + std::to_string(config.world_size) +
           ")";
  }

  // Runs a c10d call; a failure (a peer gone, a timeout) becomes one clear Error.
  template <typename Call>
  auto guarded(const std::string& what, Call call) -> decltype(call()) {
    try {
      return call();
    } catch (const c10::Error& error) {
      throw Error(who() + ": " + what + " failed: " + first_line(error.what_without_backtrace()) +
                  "; another worker has probably failed or stopped answering (timeout " +
                  std::to_string(config.timeout.count()) + " s, CRADLE_DIST_TIMEOUT_S)");
    } catch (const std::exception& error) {
      throw Error(who() + ": " + what + " failed: " + first_line(error.what()) +
                  "; another worker has probably failed or stopped answering (timeout " +
                  std::to_string(config.timeout.count()) + " s, CRADLE_DIST_TIMEOUT_S)");
    }
  }

  static std::string first_line(const std::string& text) {
    const auto end = text.find('\n');
    return text.substr(0, std::min<std::size_t>(end, 300));
  }

  void wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what) {
    guarded(what, [&] { return work->wait(); });
  }
};

namespace {

bool is_loopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

}  // namespace

DataParallelGroup::DataParallelGroup(const DistributedConfig& config) : state_(std::make_unique<State>()) {
  // c10d also logs connection trouble through glog, two lines of internals ahead
  // of the one clear error thrown from here: the error is enough.
  FLAGS_minloglevel = google::GLOG_FATAL;
  State& s = *state_;
  s.config = config;
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.timeout);
  const std::string address = config.master_addr + ":" + std::to_string(config.master_port);
  if (config.world_size == 1) {
    s.store = c10::make_intrusive<c10d::HashStore>();
  } else {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(config.master_port);
    options.isServer = config.rank == 0;
    options.numWorkers = static_cast<std::size_t>(config.world_size);
    options.waitWorkers = true;
    options.timeout = timeout;
    s.store = s.guarded("meeting the other ranks at " + address + " (MASTER_ADDR:MASTER_PORT)", [&] {
      return c10::intrusive_ptr<c10d::Store>(c10::make_intrusive<c10d::TCPStore>(config.master_addr, options));
    });
  }
  s.store->setTimeout(timeout);
  s.cradle_keys = c10::make_intrusive<c10d::PrefixStore>("cradle", s.store);
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // The address this rank listens on for its peers: loopback for a job on one
  // machine, else the named interface or this host's own address (as PyTorch does).
  if (!config.socket_interface.empty())
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(config.socket_interface));
  else if (is_loopback(config.master_addr))
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  else
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  options->threads = 2;
  s.group = s.guarded("connecting the Gloo process group through " + address, [&] {
    return c10::make_intrusive<c10d::ProcessGroupGloo>(s.store, config.rank, config.world_size, options);
  });
}

DataParallelGroup::~DataParallelGroup() = default;

int DataParallelGroup::rank() const { return state_->config.rank; }
int DataParallelGroup::size() const { return state_->config.world_size; }
const DistributedConfig& DataParallelGroup::config() const { return state_->config; }

std::string DataParallelGroup::description() const {
  const auto& c = state_->config;
  return std::to_string(c.world_size) + " process" + (c.world_size == 1 ? "" : "es") + ", gloo over " + c.master_addr +
         ":" + std::to_string(c.master_port);
}

void DataParallelGroup::broadcast_from_main(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  // One flat message per dtype: many small broadcasts (BatchNorm's statistics
  // after every step) would each pay the round trip.
  std::map<c10::ScalarType, std::vector<torch::Tensor>> by_type;
  for (const auto& tensor : tensors) by_type[tensor.scalar_type()].push_back(tensor);
  std::vector<std::vector<torch::Tensor>> flats;
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  flats.reserve(by_type.size());
  for (const auto& [type, group] : by_type) {
    std::vector<torch::Tensor> pieces;
    for (const auto& tensor : group) pieces.push_back(tensor.reshape({-1}));
    flats.push_back({torch::cat(pieces)});
    works.push_back(
        state_->guarded("broadcasting rank 0's values", [&] { return state_->group->broadcast(flats.back()); }));
  }
  std::size_t i = 0;
  for (const auto& [type, group] : by_type) {
    state_->wait(works[i], "broadcasting rank 0's values");
    std::int64_t offset = 0;
    for (const auto& tensor : group) {
      tensor.copy_(flats[i][0].narrow(0, offset, tensor.numel()).view(tensor.sizes()));
      offset += tensor.numel();
    }
    ++i;
  }
}

void DataParallelGroup::average_gradients(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  const double world = static_cast<double>(size());
  // Buckets of trainable parameters, last first (backward's order), one dtype each.
  std::vector<std::vector<torch::Tensor>> buckets;
  std::int64_t bytes = 0;
  for (auto it = parameters.rbegin(); it != parameters.rend(); ++it) {
    if (!it->requires_grad()) continue;
    const bool fresh =
        buckets.empty() || bytes >= bucket_bytes || buckets.back().front().scalar_type() != it->scalar_type();
    if (fresh) buckets.emplace_back(), bytes = 0;
    buckets.back().push_back(*it);
    bytes += it->numel() * static_cast<std::int64_t>(it->element_size());
  }
  std::vector<std::vector<torch::Tensor>> flats;
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  flats.reserve(buckets.size());
  for (const auto& bucket : buckets) {
    std::vector<torch::Tensor> pieces;
    pieces.reserve(bucket.size());
    for (const auto& p : bucket)
      pieces.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
    flats.push_back({torch::cat(pieces)});
    works.push_back(state_->guarded("averaging the gradients", [&] { return state_->group->allreduce(flats.back()); }));
  }
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    state_->wait(works[b], "averaging the gradients");
    auto& flat = flats[b][0];
    flat.div_(world);
    std::int64_t offset = 0;
    for (auto& p : buckets[b]) {
      const auto mean = flat.narrow(0, offset, p.numel()).view(p.sizes());
      if (p.grad().defined())
        p.mutable_grad().copy_(mean);
      else
        p.mutable_grad() = mean.clone();
      offset += p.numel();
    }
  }
}

void DataParallelGroup::sum(torch::Tensor& tensor) {
  std::vector<torch::Tensor> buffer{tensor.is_contiguous() ? tensor : tensor.contiguous()};
  state_->wait(state_->guarded("summing", [&] { return state_->group->allreduce(buffer); }), "summing");
  if (!buffer[0].is_same(tensor)) tensor.copy_(buffer[0]);
}

bool DataParallelGroup::any(bool flag) {
  auto votes = torch::full({1}, flag ? 1 : 0, torch::kInt32);
  sum(votes);
  return votes.item<int>() > 0;
}

void DataParallelGroup::barrier() {
  state_->wait(state_->guarded("waiting for the other ranks", [&] { return state_->group->barrier(); }),
               "waiting for the other ranks");
}

void DataParallelGroup::publish(const std::string& key, const std::string& value) {
  state_->guarded("publishing " + key, [&] {
    state_->cradle_keys->set(key, std::vector<std::uint8_t>(value.begin(), value.end()));
    return 0;
  });
}

std::string DataParallelGroup::wait_for(const std::string& key) {
  const auto bytes = state_->guarded("waiting for rank 0's " + key, [&] { return state_->cradle_keys->get(key); });
  return std::string(bytes.begin(), bytes.end());
}

std::int64_t rank_shard_size(std::int64_t samples, int world_size) { return (samples + world_size - 1) / world_size; }

std::vector<std::int64_t> rank_shard(const std::vector<std::int64_t>& order, int rank, int world_size) {
  std::vector<std::int64_t> shard;
  if (order.empty()) return shard;
  const auto n = static_cast<std::int64_t>(order.size());
  const std::int64_t per_rank = rank_shard_size(n, world_size);
  shard.reserve(static_cast<std::size_t>(per_rank));
  for (std::int64_t i = 0; i < per_rank; ++i)
    shard.push_back(order[static_cast<std::size_t>((rank + i * world_size) % n)]);  // the padding wraps to the start
  return shard;
}

}  // namespace cradle
