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
// The same with train.layer_lr: parameters of the layers a group names get its
// multiple of the rate (their group's starting lr is spec.lr times it).
std::unique_ptr<torch::optim::Optimizer> make_optimizer(
    const TrainSpec& spec, const torch::OrderedDict<std::string, torch::Tensor>& named_parameters);
// Each parameter group's rate relative to train.lr, read once after make_optimizer.
std::vector<double> learning_rate_scales(const torch::optim::Optimizer& optimizer, double base_lr);

// The learning rate of the first parameter group (schedules change it later).
double current_learning_rate(const torch::optim::Optimizer& optimizer);
// Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)):
// the next backward pass writes gradients instead of adding to zeros, and
// optimizers skip a parameter no gradient reached.
void clear_gradients(torch::optim::Optimizer& optimizer);

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);
// Each group at lr times its scale (learning_rate_scales).
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr, const std::vector<double>& scales);

}  // namespace cradle
