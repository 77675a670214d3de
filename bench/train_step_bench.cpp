// Times training steps of a sample project's model in Cradle's engine, on
// random data of the project's shapes, for bench/train_vs_pytorch.sh.
// Usage: cradle-bench-train cnn|gpt float32|bfloat16 [STEPS]
// Prints one JSON line: median step time and its split into forward, backward
// and optimizer, samples per second, and model FLOP utilisation against the
// machine's measured matrix-product rate in the same precision.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/models/model_factory.h"
#include "core/models/model_inspection.h"
#include "core/train/autocast.h"
#include "core/train/cross_entropy.h"
#include "core/train/optimizer_factory.h"
#include "core/train/runtime.h"

using namespace cradle;

namespace {

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// This machine's 1024^3 matrix product rate in `precision`: the reference of model FLOP utilisation.
double matmul_flops_per_second(const std::string& precision) {
  const auto dtype = precision == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
  const auto a = torch::randn({1024, 1024}).to(dtype), b = torch::randn({1024, 1024}).to(dtype);
  std::vector<double> rates;
  for (int i = 0; i < 12; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto c = torch::matmul(a, b);
    rates.push_back(2.0 * 1024 * 1024 * 1024 /
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return median_of(rates);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cradle-bench-train cnn|gpt|matmul float32|bfloat16 [steps]\n");
    return 2;
  }
  const std::string kind = argv[1], precision = argv[2];
  if (kind == "matmul") {  // the rate alone, for bench/sample_projects.sh
    std::printf("{\"threads\": %d, \"precision\": \"%s\", \"matmul_gflops\": %.2f}\n", configure_runtime(0),
                precision.c_str(), matmul_flops_per_second(precision) / 1e9);
    return 0;
  }
  const int steps = argc > 3 ? std::stoi(argv[3]) : 40;
  const bool gpt = kind == "gpt";
  // The Fashion-MNIST CNN sample as it is; the GPT sample at the bench size (batch 12).
  Experiment e = load_experiment(std::string(CRADLE_SOURCE_DIR) + (gpt ? "/projects/fortunes-gpt/experiment.json"
                                                                       : "/projects/fashion-mnist/experiment.json"));
  const int threads = configure_runtime(0);
  const std::int64_t batch = gpt ? 12 : e.train.batch_size, context = e.data.context_length, vocab = 2000;
  const std::vector<std::int64_t> input_shape =
      gpt ? std::vector<std::int64_t>{context} : std::vector<std::int64_t>{1, 28, 28};
  const std::int64_t classes = gpt ? vocab : 10;
  torch::manual_seed(1);
  auto model = build_model(e.model, input_shape, classes, {});
  const auto summary = summarize_model(model, input_shape);
  const auto parameters = summary.total_parameters;
  model->train();
  auto optimizer = make_optimizer(e.train, model->parameters());
  const auto inputs =
      gpt ? torch::randint(0, vocab, {batch, context}, torch::kInt64) : torch::randn({batch, 1, 28, 28});
  const auto targets =
      gpt ? torch::randint(0, vocab, {batch, context}, torch::kInt64) : torch::randint(0, 10, {batch}, torch::kInt64);
  // On the CPU every operation has finished when it returns, so the clock splits the step exactly.
  std::vector<double> totals, forwards, backwards, updates;
  const auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  for (int step = 0; step < steps + 5; ++step) {
    const auto start = std::chrono::steady_clock::now();
    clear_gradients(*optimizer);  // as the trainer steps
    torch::Tensor loss;
    {
      const AutocastScope autocast(precision == "bfloat16", torch::kCPU);
      auto out = model->forward(inputs);
      loss = softmax_cross_entropy(out.reshape({-1, classes}).to(torch::kFloat32), targets.reshape({-1}));
    }
    const double forward = seconds_since(start);
    const auto backward_start = std::chrono::steady_clock::now();
    loss.backward();
    const double backward = seconds_since(backward_start);
    const auto update_start = std::chrono::steady_clock::now();
    optimizer->step();
    const double update = seconds_since(update_start);
    if (step < 5) continue;  // warm-up: first-touch allocations, oneDNN primitive caches
    totals.push_back(seconds_since(start));
    forwards.push_back(forward);
    backwards.push_back(backward);
    updates.push_back(update);
  }
  const double step_seconds = median_of(totals);
  // Model FLOP utilisation: the model's training FLOPs (3x forward) per second against this machine's
  // 1024^3 matrix product rate in the same precision.
  const double peak = matmul_flops_per_second(precision);
  const double model_flops = 3.0 * static_cast<double>(batch) * static_cast<double>(summary.flops) / step_seconds;
  std::printf(
      "{\"impl\": \"cradle\", \"model\": \"%s\", \"precision\": \"%s\", \"threads\": %d, \"parameters\": %lld, "
      "\"batch\": %lld, \"median_step_ms\": %.3f, \"samples_per_s\": %.1f, \"forward_ms\": %.3f, "
      "\"backward_ms\": %.3f, \"optimizer_ms\": %.3f, \"model_gflops\": %.2f, \"matmul_gflops\": %.2f, "
      "\"mfu\": %.4f}\n",
      kind.c_str(), precision.c_str(), threads, static_cast<long long>(parameters), static_cast<long long>(batch),
      step_seconds * 1000, static_cast<double>(batch) / step_seconds, median_of(forwards) * 1000,
      median_of(backwards) * 1000, median_of(updates) * 1000, model_flops / 1e9, peak / 1e9, model_flops / peak);
  return 0;
}
