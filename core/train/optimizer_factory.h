#pragma once
#include <torch/optim.h>

#include <memory>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

// train.optimizer with its settings: sgd, adagrad, adadelta (core/train/adadelta.h),
// rmsprop, adam, adamw.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& spec,
                                                        const std::vector<torch::Tensor>& parameters);

// The learning rate of the first parameter group (schedules change it later).
double current_learning_rate(const torch::optim::Optimizer& optimizer);
// Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)):
// the next backward pass writes gradients instead of adding to zeros, and
// optimizers skip a parameter no gradient reached.
void clear_gradients(torch::optim::Optimizer& optimizer);

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace cradle
