#include "core/models/fast_dropout.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdint>
#include <limits>

namespace cradle {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

torch::Tensor fast_dropout_mask(const torch::Tensor& like, double p) {
  auto mask = torch::empty(like.sizes(), like.options().device(torch::kCPU).requires_grad(false));
  // One draw from the default generator per call: torch::manual_seed and saved generator states govern it.
  const auto seed = static_cast<std::uint64_t>(
      torch::randint(std::numeric_limits<std::int64_t>::max(), {1}, torch::kInt64).item<std::int64_t>());
  // Keep when a 32-bit uniform value is at least p * 2^32; each hash gives two such values.
  const auto threshold = static_cast<std::uint64_t>(p * 4294967296.0);
  const std::int64_t n = mask.numel();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, mask.scalar_type(), "fast_dropout_mask", [&] {
    scalar_t* out = mask.data_ptr<scalar_t>();
    const auto kept = static_cast<scalar_t>(1.0 / (1.0 - p));
    const auto dropped = static_cast<scalar_t>(0);
    at::parallel_for(0, (n + 1) / 2, 4096, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t pair = begin; pair < end; ++pair) {
        const std::uint64_t h = splitmix64(seed ^ (static_cast<std::uint64_t>(pair) * 0xd1342543de82ef95ull));
        const std::int64_t i = 2 * pair;
        out[i] = (h & 0xffffffffull) >= threshold ? kept : dropped;
        if (i + 1 < n) out[i + 1] = (h >> 32) >= threshold ? kept : dropped;
      }
    });
  });
  return mask;
}

FastDropoutImpl::FastDropoutImpl(double p) : p_(p) {}

torch::Tensor fast_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p == 0) return x;
  if (!x.device().is_cpu()) return torch::dropout(x, p, true);
  if (p >= 1) return x * 0;
  return x * fast_dropout_mask(x, p);
}

torch::Tensor FastDropoutImpl::forward(const torch::Tensor& x) { return fast_dropout(x, p_, is_training()); }

}  // namespace cradle
