#pragma once
// Checkpoints: the model's parameters and buffers, the optimizer's state and
// where training stood, in one LibTorch archive written atomically.
#include <torch/nn.h>
#include <torch/optim.h>

#include <cstdint>
#include <filesystem>

namespace cradle {

struct CheckpointPosition {
  std::int64_t epoch = 0;  // epochs completed
  std::int64_t step = 0;   // optimizer steps taken
};

void save_checkpoint(const std::filesystem::path& path, const torch::nn::Module& model,
                     const torch::optim::Optimizer& optimizer, CheckpointPosition position);
// Restores into `model` (and `optimizer` when given); DataError on a bad file.
CheckpointPosition load_checkpoint(const std::filesystem::path& path, torch::nn::Module& model,
                                   torch::optim::Optimizer* optimizer);

void save_model_weights(const std::filesystem::path& path, const torch::nn::Module& model);
void load_model_weights(const std::filesystem::path& path, torch::nn::Module& model);

}  // namespace cradle
