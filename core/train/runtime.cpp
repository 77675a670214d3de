#include "core/train/runtime.h"

#include <dlfcn.h>
#include <malloc.h>

#include <torch/torch.h>

#include <thread>

#include "core/common/error.h"

namespace cradle {

int configure_runtime(std::int64_t requested_threads) {
  constexpr int kLargeBlock = 1 << 30;
  mallopt(M_MMAP_THRESHOLD, kLargeBlock);
  mallopt(M_TRIM_THRESHOLD, kLargeBlock);

  int threads = static_cast<int>(requested_threads);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  // Found at run time: the BLAS behind LibTorch is chosen by Debian's alternatives.
  using SetThreads = void (*)(int);
  if (auto set_blas_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_blas_threads(1);
  return torch::get_num_threads();
}

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  const bool cuda = torch::cuda::is_available();
  if (name == "cuda" && !cuda)
    throw ConfigError("device: \"cuda\" requested, but this LibTorch build sees no CUDA device");
  return cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

}  // namespace cradle
