#include "core/train/optimizer_factory.h"

#include <torch/torch.h>

#include "core/train/adadelta.h"

namespace cradle {

namespace {

// Weight decay applies to weight matrices and kernels (tensors of 2+
// dimensions) only: decaying biases and normalisation scales towards zero
// only hurts, as GPT-2 and most modern recipes agree. Two parameter groups
// then share every other setting.
template <typename OptimizerType, typename Options>
std::unique_ptr<torch::optim::Optimizer> grouped(const std::vector<torch::Tensor>& parameters, Options options,
                                                 double weight_decay) {
  options.weight_decay(weight_decay);
  if (weight_decay == 0) return std::make_unique<OptimizerType>(parameters, options);
  std::vector<torch::Tensor> decayed, undecayed;
  for (const auto& p : parameters) (p.dim() >= 2 ? decayed : undecayed).push_back(p);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  if (!decayed.empty()) groups.emplace_back(decayed, std::make_unique<Options>(options));
  if (!undecayed.empty()) {
    Options plain = options;
    plain.weight_decay(0);
    groups.emplace_back(undecayed, std::make_unique<Options>(plain));
  }
  return std::make_unique<OptimizerType>(std::move(groups), options);
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& spec,
                                                        const std::vector<torch::Tensor>& parameters) {
  namespace optim = torch::optim;
  const std::string& name = spec.optimizer;
  const double decay = spec.weight_decay;
  if (name == "sgd")
    return grouped<optim::SGD>(parameters, optim::SGDOptions(spec.lr).momentum(spec.momentum).nesterov(spec.nesterov),
                               decay);
  if (name == "adagrad") return grouped<optim::Adagrad>(parameters, optim::AdagradOptions(spec.lr).eps(spec.eps), decay);
  if (name == "adadelta") return grouped<Adadelta>(parameters, AdadeltaOptions(spec.lr).rho(spec.rho).eps(spec.eps), decay);
  if (name == "rmsprop")
    return grouped<optim::RMSprop>(
        parameters, optim::RMSpropOptions(spec.lr).alpha(spec.alpha).eps(spec.eps).momentum(spec.momentum), decay);
  const auto betas = std::make_tuple(spec.betas.at(0), spec.betas.at(1));
  if (name == "adamw") return grouped<optim::AdamW>(parameters, optim::AdamWOptions(spec.lr).betas(betas).eps(spec.eps), decay);
  return grouped<optim::Adam>(parameters, optim::AdamOptions(spec.lr).betas(betas).eps(spec.eps), decay);
}

double current_learning_rate(const torch::optim::Optimizer& optimizer) {
  return optimizer.param_groups().front().options().get_lr();
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

void clear_gradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) p.mutable_grad() = torch::Tensor();
}

}  // namespace cradle
