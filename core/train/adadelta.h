#pragma once
// Adadelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method"), which
// LibTorch's C++ API lacks, written as a torch::optim::Optimizer with the same
// update and defaults as PyTorch's torch.optim.Adadelta:
//   g      = grad + weight_decay * p
//   E[g²]  = rho * E[g²] + (1 - rho) * g²
//   Δ      = sqrt(E[Δ²] + eps) / sqrt(E[g²] + eps) * g
//   E[Δ²]  = rho * E[Δ²] + (1 - rho) * Δ²
//   p     -= lr * Δ
// Its per-parameter state (the two running averages and the step count) is
// saved and loaded with the optimizer, so a resumed run continues exactly.
#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>
#include <torch/serialize/archive.h>

#include <vector>

namespace cradle {

struct AdadeltaOptions : public torch::optim::OptimizerCloneableOptions<AdadeltaOptions> {
  AdadeltaOptions(double lr = 1.0) : lr_(lr) {}  // NOLINT: implicit, as LibTorch's options are
  TORCH_ARG(double, lr);
  TORCH_ARG(double, rho) = 0.9;
  TORCH_ARG(double, eps) = 1e-6;
  TORCH_ARG(double, weight_decay) = 0;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct AdadeltaParamState : public torch::optim::OptimizerCloneableParamState<AdadeltaParamState> {
  TORCH_ARG(torch::Tensor, square_avg);  // E[g²]
  TORCH_ARG(torch::Tensor, acc_delta);   // E[Δ²]
  TORCH_ARG(std::int64_t, step) = 0;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
};

class Adadelta : public torch::optim::Optimizer {
 public:
  explicit Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions defaults = {});
  Adadelta(std::vector<torch::optim::OptimizerParamGroup> groups, AdadeltaOptions defaults);
  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

 private:
  template <typename Self, typename Archive>
  static void serialize(Self& self, Archive& archive) {
    torch::optim::serialize<AdadeltaParamState, AdadeltaOptions>(archive, self);
  }
};

}  // namespace cradle
