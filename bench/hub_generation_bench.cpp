// Generation at batch 1 on a Hugging Face model of SmolLM-135M's shape (30
// layers, width 576, 9 heads, 3 key/value heads, MLP 1536, vocabulary 49152,
// tied output; random weights) with the key/value cache, in float32 and, where
// the processor computes it natively, bfloat16 (core/eval/inference_weights.h),
// and recomputing the context (float32), against the memory-bandwidth limit:
// every new token reads every weight once, so tokens/s cannot pass
// (measured copy rate) / (weight bytes). The first token's time (the prompt
// read at once) is printed apart, as llama.cpp's prompt and generation rates are.
// Usage: cradle-bench-hub-generation [NEW_TOKENS [ROUNDS]]   (defaults 64 and 3)
// The copy rate is a 512 MiB tensor copy's bytes read and written per second,
// three copies before each run of a variant (their median). Prints medians.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/processor.h"
#include "bench/smollm_shape.h"
#include "core/eval/text_generation.h"
#include "core/train/autocast.h"
#include "core/train/runtime.h"

using namespace cradle;

namespace {

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Bytes read and written per second by a large tensor copy, measured beside
// each generation so that both see the same load on a shared machine.
class CopyRate {
 public:
  CopyRate() : source_(torch::rand({128 * 1024 * 1024})), target_(torch::empty_like(source_)) {  // 512 MiB
    target_.copy_(source_);  // the first copy touches the pages
  }
  double measure() {
    const auto start = std::chrono::steady_clock::now();
    target_.copy_(source_);
    return 2.0 * static_cast<double>(source_.nbytes()) / seconds_since(start);
  }

 private:
  torch::Tensor source_, target_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t new_tokens = argc > 1 ? std::atoll(argv[1]) : 64;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  bench::print_processor();
  std::printf("threads: %d\n", configure_runtime(0));

  LlamaForCausalLM model = bench::smollm_135m_shaped_model();
  std::int64_t weight_count = 0;
  for (const auto& p : model->parameters()) weight_count += p.numel();
  CopyRate copy;
  std::printf("%lld weights\n", static_cast<long long>(weight_count));

  std::vector<std::int64_t> prompt;
  for (std::int64_t i = 0; i < 16; ++i) prompt.push_back(100 + i * 997 % 49000);
  SamplingOptions options;
  options.max_new_tokens = new_tokens;
  options.temperature = 0;
  options.stop_at_end_of_text = false;
  std::vector<std::int64_t> cached_tokens, recomputed_tokens, scratch;
  struct Variant {
    const char* name;
    torch::ScalarType type;
    bool cache;
  };
  std::vector<Variant> variants = {{"float32, key/value cache", torch::kFloat32, true},
                                   {"float32, recomputed", torch::kFloat32, false}};
  if (cpu_has_native_bfloat16()) variants.push_back({"bfloat16, key/value cache", torch::kBFloat16, true});
  // CRADLE_BENCH_TRACE=PREFIX records each variant's last round as a Chrome trace, PREFIX.0.json, PREFIX.1.json, ...
  const char* trace_prefix = std::getenv("CRADLE_BENCH_TRACE");
  for (const auto& variant : variants) {
    model->to(variant.type);
    options.use_cache = variant.cache;
    std::vector<double> seconds, first_token_seconds, decoding_rates, copy_rates;
    auto& tokens = variant.type != torch::kFloat32 ? scratch : (variant.cache ? cached_tokens : recomputed_tokens);
    for (int round = 0; round < rounds; ++round) {
      std::unique_ptr<torch::autograd::profiler::RecordProfile> trace;
      if (trace_prefix && round == rounds - 1)
        trace = std::make_unique<torch::autograd::profiler::RecordProfile>(
            std::string(trace_prefix) + "." + std::to_string(&variant - variants.data()) + ".json");
      for (int i = 0; i < 3; ++i) copy_rates.push_back(copy.measure());
      const auto start = std::chrono::steady_clock::now();
      double first_token = 0;
      tokens = generate_tokens(*model, prompt, {}, options, [&](std::int64_t) {
        if (first_token == 0) first_token = seconds_since(start);
        return true;
      });
      seconds.push_back(seconds_since(start));
      first_token_seconds.push_back(first_token);
      decoding_rates.push_back(static_cast<double>(new_tokens - 1) / (seconds.back() - first_token));
    }
    // The limit is decoding's: a new token reads every weight once, while the prompt's tokens share their reads.
    const double decoding = median_of(decoding_rates);
    const double bytes = static_cast<double>(weight_count) * static_cast<double>(c10::elementSize(variant.type));
    const double rate = median_of(copy_rates), limit = rate / bytes;
    std::printf(
        "%-26s %6.1f tokens/s in all (first token after %4.0f ms); decoding %6.1f tokens/s; weights %.0f MiB, "
        "copy rate %.1f GB/s, limit %.1f tokens/s: %.0f%% of it\n",
        variant.name, static_cast<double>(new_tokens) / median_of(seconds), 1e3 * median_of(first_token_seconds),
        decoding, bytes / (1024.0 * 1024.0), rate / 1e9, limit, 100 * decoding / limit);
  }
  std::printf("(medians of %d runs of %lld tokens after a 16-token prompt; decoding: the tokens after the first)\n",
              rounds, static_cast<long long>(new_tokens));
  std::printf("greedy tokens identical: %s\n", cached_tokens == recomputed_tokens ? "yes" : "NO");
  return cached_tokens == recomputed_tokens ? 0 : 1;
}
