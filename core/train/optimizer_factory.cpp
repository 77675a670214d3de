#include "core/train/optimizer_factory.h"

#include <torch/torch.h>

namespace cradle {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& spec,
                                                        const std::vector<torch::Tensor>& parameters) {
  if (spec.optimizer == "sgd")
    return std::make_unique<torch::optim::SGD>(
        parameters, torch::optim::SGDOptions(spec.lr).momentum(spec.momentum).weight_decay(spec.weight_decay));
  return std::make_unique<torch::optim::Adam>(parameters,
                                              torch::optim::AdamOptions(spec.lr).weight_decay(spec.weight_decay));
}

double current_learning_rate(const torch::optim::Optimizer& optimizer) {
  return optimizer.param_groups().front().options().get_lr();
}

}  // namespace cradle
