#include "core/train/optimizer_factory.h"

#include <torch/torch.h>

#include "core/train/adadelta.h"

namespace cradle {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& spec,
                                                        const std::vector<torch::Tensor>& parameters) {
  namespace optim = torch::optim;
  const std::string& name = spec.optimizer;
  if (name == "sgd")
    return std::make_unique<optim::SGD>(parameters, optim::SGDOptions(spec.lr)
                                                        .momentum(spec.momentum)
                                                        .nesterov(spec.nesterov)
                                                        .weight_decay(spec.weight_decay));
  if (name == "adagrad")
    return std::make_unique<optim::Adagrad>(parameters,
                                            optim::AdagradOptions(spec.lr).eps(spec.eps).weight_decay(spec.weight_decay));
  if (name == "adadelta")
    return std::make_unique<Adadelta>(
        parameters, AdadeltaOptions(spec.lr).rho(spec.rho).eps(spec.eps).weight_decay(spec.weight_decay));
  if (name == "rmsprop")
    return std::make_unique<optim::RMSprop>(parameters, optim::RMSpropOptions(spec.lr)
                                                            .alpha(spec.alpha)
                                                            .eps(spec.eps)
                                                            .momentum(spec.momentum)
                                                            .weight_decay(spec.weight_decay));
  const auto betas = std::make_tuple(spec.betas.at(0), spec.betas.at(1));
  if (name == "adamw")
    return std::make_unique<optim::AdamW>(
        parameters, optim::AdamWOptions(spec.lr).betas(betas).eps(spec.eps).weight_decay(spec.weight_decay));
  return std::make_unique<optim::Adam>(
      parameters, optim::AdamOptions(spec.lr).betas(betas).eps(spec.eps).weight_decay(spec.weight_decay));
}

double current_learning_rate(const torch::optim::Optimizer& optimizer) {
  return optimizer.param_groups().front().options().get_lr();
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace cradle
