#pragma once
#include <torch/optim.h>

#include <memory>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& spec,
                                                        const std::vector<torch::Tensor>& parameters);

// The learning rate of the first parameter group (schedules change it later).
double current_learning_rate(const torch::optim::Optimizer& optimizer);

}  // namespace cradle
