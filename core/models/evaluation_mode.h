#pragma once
// Small helpers for running a model outside training.
#include <torch/nn.h>

namespace cradle {

// Evaluation mode (no dropout, running batch-norm statistics) for a scope;
// the model's own mode comes back at its end.
class EvaluationMode {
 public:
  explicit EvaluationMode(torch::nn::Module& model) : model_(model), training_(model.is_training()) { model_.eval(); }
  ~EvaluationMode() { model_.train(training_); }
  EvaluationMode(const EvaluationMode&) = delete;
  EvaluationMode& operator=(const EvaluationMode&) = delete;

 private:
  torch::nn::Module& model_;
  bool training_;
};

// Where the model's parameters live (the CPU for a model without any).
inline torch::Device model_device(const torch::nn::Module& model) {
  const auto parameters = model.parameters();
  return parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
}

}  // namespace cradle
