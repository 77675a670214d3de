#pragma once
// Small helpers for running a model outside training.
#include <torch/nn.h>

#include <vector>

namespace cradle {

// Evaluation mode (no dropout, running batch-norm statistics) for a scope;
// each module's own mode comes back at its end — not one mode for all, since
// training keeps a frozen batch norm in evaluation mode (core/train/trainer.cpp).
class EvaluationMode {
 public:
  explicit EvaluationMode(torch::nn::Module& model) : model_(model), training_(model.is_training()) {
    for (const auto& module : model_.modules(false)) modes_.push_back(module->is_training());
    model_.eval();
  }
  ~EvaluationMode() {
    model_.train(training_);
    std::size_t i = 0;
    for (const auto& module : model_.modules(false)) module->train(modes_.at(i++));
  }
  EvaluationMode(const EvaluationMode&) = delete;
  EvaluationMode& operator=(const EvaluationMode&) = delete;

 private:
  torch::nn::Module& model_;
  bool training_;
  std::vector<bool> modes_;  // of model_.modules(false), in that order
};

// Where the model's parameters live (the CPU for a model without any).
inline torch::Device model_device(const torch::nn::Module& model) {
  const auto parameters = model.parameters();
  return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

}  // namespace cradle
