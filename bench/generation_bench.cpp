// Generation with the GPT's key/value cache against recomputing the whole
// context for every new token (the reference), in one run.
// Usage: cradle-bench-generation [NEW_TOKENS [ROUNDS]]   (defaults 256 and 5)
// Models: the fortunes-gpt sample's shape (4 blocks of width 128, 4 heads,
// 2,000-token vocabulary) at its own context of 64 tokens and at a context of
// 512, which holds a 16-token prompt and 256 new tokens without the window
// moving. Weights are random (speed does not depend on them); greedy output
// is compared token for token. Prints the median seconds of each and the ratio.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench/processor.h"
#include "core/eval/text_generation.h"
#include "core/models/model_factory.h"
#include "core/train/runtime.h"

using namespace cradle;

namespace {

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void compare(std::int64_t context, std::int64_t new_tokens, int rounds) {
  torch::manual_seed(1);
  ModelSpec spec;
  spec.type = "gpt";
  spec.width = 128;
  spec.heads = 4;
  spec.layers = 4;
  spec.tie_weights = true;
  auto model = build_model(spec, {context}, 2000, {});
  std::vector<std::int64_t> prompt;
  for (std::int64_t i = 0; i < 16; ++i) prompt.push_back(10 + i * 37 % 1990);
  SamplingOptions options;
  options.max_new_tokens = new_tokens;
  options.temperature = 0;
  options.stop_at_end_of_text = false;

  std::vector<double> cached_seconds, recomputed_seconds;
  std::vector<std::int64_t> cached, recomputed;
  for (int round = 0; round < rounds; ++round) {
    for (const bool cache : {true, false}) {
      options.use_cache = cache;
      const auto start = std::chrono::steady_clock::now();
      auto tokens = generate_tokens(model, prompt, context, options);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      (cache ? cached_seconds : recomputed_seconds).push_back(seconds);
      (cache ? cached : recomputed) = std::move(tokens);
    }
  }
  const double with_cache = median_of(cached_seconds), without = median_of(recomputed_seconds);
  std::printf(
      "context %4lld, %lld new tokens: cache %.3f s (%.0f tokens/s), recompute %.3f s (%.0f tokens/s), "
      "%.1fx faster; greedy output %s\n",
      static_cast<long long>(context), static_cast<long long>(new_tokens), with_cache,
      static_cast<double>(new_tokens) / with_cache, without, static_cast<double>(new_tokens) / without,
      without / with_cache, cached == recomputed ? "identical" : "DIFFERS");
}

}  // namespace

int main(int argc, char** argv) {
  cradle::bench::print_processor();
  const std::int64_t new_tokens = argc > 1 ? std::atoll(argv[1]) : 256;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  configure_runtime(0);
  std::printf("GPT 4x128, vocabulary 2000, prompt 16 tokens, greedy, batch 1, %d threads; medians of %d rounds\n",
              torch::get_num_threads(), rounds);
  compare(64, new_tokens, rounds);
  compare(512, new_tokens, rounds);
  return 0;
}
