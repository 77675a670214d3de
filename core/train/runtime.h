#pragma once
// Process-wide compute settings: threads and device.
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace cradle {

// Sets LibTorch's intra-op threads (0: every core) and limits OpenBLAS to one
// thread: LibTorch starts with one thread here, and OpenBLAS's own pool fights
// the OpenMP pool for the cores (measured 1.6x to 3.2x slower training).
// Returns the number of intra-op threads in use.
int configure_threads(std::int64_t requested);

// "cpu", "cuda" or "auto"; ConfigError when CUDA is asked for and absent.
torch::Device resolve_device(const std::string& name);

}  // namespace cradle
