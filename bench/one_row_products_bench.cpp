// Generation's one-row products on GPT-2 124M's projections (12 layers of
// Conv1D weights stored [in, out]: 768 -> 2304, 768 -> 768, 768 -> 3072,
// 3072 -> 768; random values), each token's 48 products one after another:
// the kernel for that layout (core/models/few_rows_linear.h) against what ran
// before it — the threaded gemm in float32 and LibTorch's matmul in bfloat16 —
// interleaved, as milliseconds per token and the weights' bytes read per second.
// Usage: cradle-bench-one-row-products [ROUNDS]   (default 21; prints medians)
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench/processor.h"
#include "core/models/threaded_linear.h"
#include "core/train/runtime.h"

using namespace cradle;

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 21;
  bench::print_processor();
  std::printf("threads: %d\n", configure_runtime(0));
  torch::NoGradGuard no_grad;
  struct Layer {
    torch::Tensor weight, bias, x;
  };
  std::vector<Layer> f32, b16;
  double bytes = 0;
  torch::manual_seed(1);
  for (int layer = 0; layer < 12; ++layer) {
    for (const auto& [in, out] :
         {std::pair<std::int64_t, std::int64_t>{768, 2304}, {768, 768}, {768, 3072}, {3072, 768}}) {
      f32.push_back({torch::randn({in, out}) * 0.02, torch::randn({out}), torch::randn({1, 1, in})});
      b16.push_back({f32.back().weight.to(torch::kBFloat16), f32.back().bias.to(torch::kBFloat16),
                     f32.back().x.to(torch::kBFloat16)});
      bytes += static_cast<double>(in * out) * 4;
    }
  }
  struct Variant {
    const char* name;
    std::vector<Layer>* layers;
    bool kernel;
  };
  const Variant variants[] = {{"float32, one-row kernel", &f32, true},
                              {"float32, threaded gemm (before)", &f32, false},
                              {"bfloat16, one-row kernel", &b16, true},
                              {"bfloat16, LibTorch matmul (before)", &b16, false}};
  std::vector<std::vector<double>> seconds(4);
  for (int round = 0; round < rounds; ++round) {
    for (int v = 0; v < 4; ++v) {
      const auto start = std::chrono::steady_clock::now();
      for (const auto& l : *variants[v].layers) {
        if (variants[v].kernel)
          threaded_linear(l.x, l.weight, l.bias, /*weight_transposed=*/true, /*evaluating=*/true);
        else if (l.weight.scalar_type() == torch::kFloat32)
          threaded_linear(l.x, l.weight, l.bias, /*weight_transposed=*/true, /*evaluating=*/false);
        else
          torch::matmul(l.x, l.weight).add_(l.bias);
      }
      seconds[v].push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  for (int v = 0; v < 4; ++v) {
    auto& s = seconds[v];
    std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(s.size() / 2), s.end());
    const double median = s[s.size() / 2], read = variants[v].layers == &f32 ? bytes : bytes / 2;
    std::printf("%-36s %6.2f ms per token, %5.1f GB/s of weights\n", variants[v].name, 1e3 * median,
                read / median / 1e9);
  }
  std::printf("(medians of %d rounds)\n", rounds);
  return 0;
}
