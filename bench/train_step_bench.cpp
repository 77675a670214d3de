// Times training steps of a sample project's model in Cradle's engine, on
// random data of the project's shapes, for bench/train_vs_pytorch.sh.
// Usage: cradle-bench-train cnn|gpt float32|bfloat16 [STEPS]
// Prints one JSON line: median step time and samples (tokens) per second.
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
#include "core/train/optimizer_factory.h"
#include "core/train/runtime.h"

using namespace cradle;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cradle-bench-train cnn|gpt float32|bfloat16 [steps]\n");
    return 2;
  }
  const std::string kind = argv[1], precision = argv[2];
  const int steps = argc > 3 ? std::stoi(argv[3]) : 40;
  const bool gpt = kind == "gpt";
  // The Fashion-MNIST CNN sample as it is; the GPT sample at the bench size (batch 12).
  Experiment e = load_experiment(std::string(CRADLE_SOURCE_DIR) + (gpt ? "/projects/fortunes-gpt/experiment.json"
                                                                       : "/projects/fashion-mnist/experiment.json"));
  const int threads = configure_runtime(0);
  const std::int64_t batch = gpt ? 12 : e.train.batch_size, context = e.data.context_length, vocab = 2000;
  const std::vector<std::int64_t> input_shape = gpt ? std::vector<std::int64_t>{context} : std::vector<std::int64_t>{1, 28, 28};
  const std::int64_t classes = gpt ? vocab : 10;
  torch::manual_seed(1);
  auto model = build_model(e.model, input_shape, classes, {});
  const auto parameters = summarize_model(model, input_shape).total_parameters;
  model->train();
  auto optimizer = make_optimizer(e.train, model->parameters());
  const auto inputs = gpt ? torch::randint(0, vocab, {batch, context}, torch::kInt64) : torch::randn({batch, 1, 28, 28});
  const auto targets = gpt ? torch::randint(0, vocab, {batch, context}, torch::kInt64) : torch::randint(0, 10, {batch}, torch::kInt64);
  std::vector<double> times;
  for (int step = 0; step < steps + 5; ++step) {
    const auto start = std::chrono::steady_clock::now();
    optimizer->zero_grad();
    torch::Tensor loss;
    {
      const AutocastScope autocast(precision == "bfloat16", torch::kCPU);
      auto out = model->forward(inputs);
      loss = torch::nn::functional::cross_entropy(out.reshape({-1, classes}).to(torch::kFloat32), targets.reshape({-1}));
    }
    loss.backward();
    optimizer->step();
    if (step >= 5) times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
  const double median = times[times.size() / 2];
  std::printf("{\"impl\": \"cradle\", \"model\": \"%s\", \"precision\": \"%s\", \"threads\": %d, \"parameters\": %lld, "
              "\"batch\": %lld, \"median_step_ms\": %.3f, \"samples_per_s\": %.1f}\n",
              kind.c_str(), precision.c_str(), threads, static_cast<long long>(parameters), static_cast<long long>(batch),
              median * 1000, static_cast<double>(batch) / median);
  return 0;
}
