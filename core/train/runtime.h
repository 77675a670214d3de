#pragma once
// Process-wide compute settings: threads and device.
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace cradle {

// Sets up the process for training and returns the intra-op threads in use:
// - LibTorch's intra-op threads (0: every core); it starts with one here.
// - OpenBLAS limited to one thread: its own pool fights LibTorch's OpenMP pool
//   for the cores (measured 1.6x to 3.2x slower training).
// - glibc keeps freed large blocks for reuse: by default every tensor above its
//   mmap threshold is mapped, zero-filled page by page and unmapped again, which
//   made evaluating 6,000 Fashion-MNIST images at batch 1000 take 6.7 s instead
//   of 0.9 s (mostly kernel time). The cost: the process keeps its peak memory.
int configure_runtime(std::int64_t requested_threads);

// "cpu", "cuda" or "auto"; ConfigError when CUDA is asked for and absent.
torch::Device resolve_device(const std::string& name);

}  // namespace cradle
