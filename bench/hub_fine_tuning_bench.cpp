// One training step of a Hugging Face model of SmolLM-135M's shape (30
// layers, width 576, 9 heads, 3 key/value heads, MLP 1536, vocabulary 49152,
// tied output; random weights) at batch 1, context 512, with AdamW: full
// fine-tuning against LoRA (rank 8 on the seven projections, the base
// frozen), with and without gradient checkpointing, and LoRA over a base kept
// in bfloat16 where the processor computes it natively. Each mode runs in a
// process of its own so that its peak resident memory (VmHWM) is its own;
// bench/hub_fine_tuning.sh runs them all beside PyTorch's
// (bench/hub_fine_tuning_reference.py) and prints the table.
// Usage: cradle-bench-hub-fine-tuning MODE [STEPS [CONTEXT]]
//   MODE: full | full-checkpointed | lora | lora-checkpointed | lora-bf16-checkpointed
// Prints one JSON line: the median step time (the first step left out) and the peak memory.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/smollm_shape.h"
#include "core/models/lora.h"
#include "core/train/autocast.h"
#include "core/train/runtime.h"

using namespace cradle;

namespace {

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The process's peak resident memory so far, MiB (VmHWM of /proc/self/status).
double peak_resident_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cradle-bench-hub-fine-tuning MODE [STEPS [CONTEXT]]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int steps = argc > 2 ? std::atoi(argv[2]) : 4;
  const std::int64_t context = argc > 3 ? std::atoll(argv[3]) : 512;
  const bool lora = mode.rfind("lora", 0) == 0, checkpointed = mode.find("checkpointed") != std::string::npos;
  const bool bf16 = mode.find("bf16") != std::string::npos;
  if (bf16 && !cpu_has_native_bfloat16()) {
    std::printf("{\"side\": \"cradle\", \"mode\": \"%s\", \"skipped\": \"no native bfloat16\"}\n", mode.c_str());
    return 0;
  }
  const int threads = configure_runtime(0);
  LlamaForCausalLM model = bench::smollm_135m_shaped_model();
  if (bf16) model->to(torch::kBFloat16);
  if (lora) {
    attach_lora(*model, LoraOptions().with_rank(8).with_alpha(16).with_dropout(0.05),
                default_lora_targets(HubArchitecture::Llama));
    freeze_all_but_adapters(*model);
    keep_adapters_in_float32(*model);
  }
  model->set_gradient_checkpointing(checkpointed);
  model->train();
  std::vector<torch::Tensor> trainable;
  std::int64_t trainable_count = 0;
  for (const auto& p : model->parameters())
    if (p.requires_grad()) trainable.push_back(p), trainable_count += p.numel();
  torch::optim::AdamW optimizer(trainable, torch::optim::AdamWOptions(1e-4));
  const auto ids = torch::randint(0, 49152, {1, context + 1});
  const auto inputs = ids.slice(1, 0, context), targets = ids.slice(1, 1);
  std::vector<double> times, forward_times, backward_times;
  double loss = 0;
  const auto seconds_since = [](std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // CRADLE_BENCH_TRACE=FILE records the last step's operators as a Chrome trace (chrome://tracing).
  const char* trace_file = std::getenv("CRADLE_BENCH_TRACE");
  for (int step = 0; step < steps; ++step) {
    std::unique_ptr<torch::autograd::profiler::RecordProfile> trace;
    if (trace_file && step == steps - 1) trace = std::make_unique<torch::autograd::profiler::RecordProfile>(trace_file);
    const auto start = std::chrono::steady_clock::now();
    optimizer.zero_grad();
    const auto logits = model->forward(inputs).to(torch::kFloat32);
    const auto l = torch::nn::functional::cross_entropy(logits.view({-1, 49152}), targets.reshape({-1}));
    const double forward = seconds_since(start);
    l.backward();
    const double backward = seconds_since(start) - forward;
    optimizer.step();
    loss = l.item<double>();
    if (step == 0) continue;  // warm-up
    times.push_back(seconds_since(start));
    forward_times.push_back(forward);
    backward_times.push_back(backward);
  }
  std::printf(
      "{\"side\": \"cradle\", \"mode\": \"%s\", \"threads\": %d, \"context\": %lld, \"trainable\": %lld, "
      "\"step_ms\": %.1f, \"forward_ms\": %.1f, \"backward_ms\": %.1f, \"peak_mib\": %.0f, \"loss\": %.4f}\n",
      mode.c_str(), threads, static_cast<long long>(context), static_cast<long long>(trainable_count),
      times.empty() ? 0.0 : 1000 * median_of(times), times.empty() ? 0.0 : 1000 * median_of(forward_times),
      times.empty() ? 0.0 : 1000 * median_of(backward_times), peak_resident_mib(), loss);
  return 0;
}
