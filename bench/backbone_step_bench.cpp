// Times training steps of ResNet-18 (core/models/imagenet_resnet.h) at
// 224x224, batch 16, in Cradle's engine, for bench/backbone_vs_pytorch.sh:
// "full" trains every layer; "frozen" trains only a new 10-class head over a
// frozen backbone (its parameters without gradients, its batch norms in
// evaluation mode, as train.freeze leaves them). SGD with momentum 0.9 on both
// sides. Usage: cradle-bench-backbone full|frozen float32|bfloat16 [STEPS]
// Prints one JSON line: the median step and its split.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/models/imagenet_resnet.h"
#include "core/train/autocast.h"
#include "core/train/cross_entropy.h"
#include "core/train/runtime.h"

using namespace cradle;

namespace {

double median_of(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cradle-bench-backbone full|frozen float32|bfloat16 [steps]\n");
    return 2;
  }
  const std::string mode = argv[1], precision = argv[2];
  const int steps = argc > 3 ? std::stoi(argv[3]) : 5;
  const int threads = configure_runtime(0);
  const std::int64_t batch = 16, classes = 10;
  torch::manual_seed(1);
  auto model = build_imagenet_resnet(imagenet_resnet_shape("resnet18"), 3, classes);
  std::int64_t parameters = 0;
  for (const auto& p : model->parameters()) parameters += p.numel();
  model->train();
  std::vector<torch::Tensor> trained;
  for (auto& p : model->named_parameters()) {
    if (mode == "frozen" && p.key().rfind("fc.", 0) != 0)
      p.value().set_requires_grad(false);
    else
      trained.push_back(p.value());
  }
  if (mode == "frozen")
    for (auto& module : model->modules(false))
      if (module->as<torch::nn::BatchNorm2d>()) module->eval();
  torch::optim::SGD optimizer(trained, torch::optim::SGDOptions(0.01).momentum(0.9));
  const auto inputs = torch::randn({batch, 3, 224, 224}), targets = torch::randint(0, classes, {batch});
  std::vector<double> totals, forwards, backwards;
  for (int step = 0; step < steps + 2; ++step) {
    const auto start = std::chrono::steady_clock::now();
    optimizer.zero_grad();
    torch::Tensor loss;
    {
      const AutocastScope autocast(precision == "bfloat16", torch::kCPU);
      loss = softmax_cross_entropy(model->forward(inputs).to(torch::kFloat32), targets);
    }
    const double forward = seconds_since(start);
    const auto backward_start = std::chrono::steady_clock::now();
    loss.backward();
    backwards.push_back(seconds_since(backward_start));
    optimizer.step();
    if (step < 2) {  // warm-up: first-touch allocations, oneDNN primitive caches
      backwards.pop_back();
      continue;
    }
    totals.push_back(seconds_since(start));
    forwards.push_back(forward);
  }
  std::printf(
      "{\"impl\": \"cradle\", \"mode\": \"%s\", \"precision\": \"%s\", \"threads\": %d, \"parameters\": %lld, "
      "\"batch\": %lld, \"median_step_ms\": %.1f, \"forward_ms\": %.1f, \"backward_ms\": %.1f}\n",
      mode.c_str(), precision.c_str(), threads, static_cast<long long>(parameters), static_cast<long long>(batch),
      median_of(totals) * 1000, median_of(forwards) * 1000, median_of(backwards) * 1000);
  return 0;
}
