#pragma once
// Checkpoints: the model's parameters and buffers, the optimizer's state,
// where training stood and what the training loop remembers (random-number
// generator, plateau schedule, best validation), in one LibTorch archive
// written atomically. Together they let a run continue exactly.
#include <torch/nn.h>
#include <torch/optim.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace cradle {

struct CheckpointPosition {
  std::int64_t epoch = 0;  // epochs completed
  std::int64_t step = 0;   // optimizer steps taken
};

// The training loop's memory besides model and optimizer.
struct LoopState {
  torch::Tensor cpu_generator;   // the default CPU generator's state (dropout draws from it)
  torch::Tensor cuda_generator;  // training on a GPU: that GPU's default generator (dropout there draws from it)
  double plateau_scale = 1.0;
  double plateau_best = std::numeric_limits<double>::infinity();
  std::int64_t plateau_bad_epochs = 0;
  std::int64_t best_epoch = 0;  // 0: no validation yet
  double best_metric = 0;
  std::int64_t epochs_without_improvement = 0;
  std::optional<double> kl_coefficient;  // PPO: the adaptive KL controller's value
};

void save_checkpoint(const std::filesystem::path& path, const torch::nn::Module& model,
                     const torch::optim::Optimizer& optimizer, CheckpointPosition position,
                     const LoopState* loop = nullptr);
// Restores into `model` (and `optimizer`, `loop` when given); DataError on a
// bad file, or when `loop` is asked for and the file has none.
CheckpointPosition load_checkpoint(const std::filesystem::path& path, torch::nn::Module& model,
                                   torch::optim::Optimizer* optimizer, LoopState* loop = nullptr);

// The epoch checkpoints of a run, epoch-NNNN.pt: the newest `keep` stay, older
// files are removed as new ones arrive.
class EpochCheckpoints {
 public:
  // The epoch checkpoints already in `dir` (a resumed run's) count towards `keep`.
  EpochCheckpoints(std::int64_t keep, const std::filesystem::path& dir);
  static std::string file_name(std::int64_t epoch);
  static bool is_epoch_checkpoint(const std::string& file_name) { return file_name.rfind("epoch-", 0) == 0; }
  void added(const std::filesystem::path& path);

 private:
  std::int64_t keep_;
  std::vector<std::filesystem::path> files_;
};

void save_model_weights(const std::filesystem::path& path, const torch::nn::Module& model);
void load_model_weights(const std::filesystem::path& path, torch::nn::Module& model);

// Transfer learning: copies from a weights file (model.pt or a checkpoint) every
// layer whose tensors all match `model`'s by name and shape, and returns the
// tensors left as initialised, each with why ("out.weight: shape [10, 128]
// there, [5, 128] here"; "head.bias: not there"; "out.bias: fits, but the rest
// of its layer does not").
std::vector<std::string> load_matching_weights(const std::filesystem::path& path, torch::nn::Module& model);

}  // namespace cradle
