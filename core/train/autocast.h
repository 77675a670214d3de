#pragma once
// Mixed precision for train.precision "bfloat16": while an AutocastScope
// lives, LibTorch runs matrix products and convolutions in bfloat16 and keeps
// reductions, norms and losses in float32 (its autocast lists); the weights,
// gradients and optimizer state stay float32. On the CPU this pays off where
// the processor has native bfloat16 instructions (AVX-512 BF16 or AMX).
#include <torch/types.h>

namespace cradle {

class AutocastScope {
 public:
  AutocastScope(bool enabled, torch::Device device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool enabled_;
  bool cuda_;
};

// Whether this CPU computes bfloat16 natively (/proc/cpuinfo: avx512_bf16 or amx_bf16).
bool cpu_has_native_bfloat16();

}  // namespace cradle
