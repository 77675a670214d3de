#pragma once
// Unstructured magnitude pruning (issue 10): the linear and convolution
// weights of smallest magnitude are set to zero and kept there by a mask that
// is re-applied after every optimizer step, so fine-tuning cannot bring them
// back. Pruning never un-prunes: a weight removed once stays removed. Biases,
// normalisation and embedding tables are left dense.
#include <torch/nn.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct PrunableWeight {
  std::string layer;     // the module's path in the model ("3", "5.conv1")
  torch::Tensor weight;  // the module's parameter itself (shares its storage)
};

// The weights of every Linear and Conv1d/Conv2d module, in module order.
std::vector<PrunableWeight> prunable_weights(torch::nn::Module& model);

// The sparsity after prune -> fine-tune cycle `cycle` of `cycles` (1-based):
// final * (1 - (1 - cycle / cycles)^3), Zhu & Gupta's polynomial schedule,
// which removes much early, while the network can still recover, and little at the end.
double scheduled_sparsity(double final_sparsity, std::int64_t cycle, std::int64_t cycles);

struct LayerSparsity {
  std::string layer;
  std::vector<std::int64_t> shape;
  std::int64_t weights = 0, zeros = 0;
  double sparsity() const { return weights > 0 ? static_cast<double>(zeros) / static_cast<double>(weights) : 0.0; }
};

class MagnitudePruner {
 public:
  // `scope`: "global" (one threshold over every prunable weight) or "layer"
  // (each layer loses the same share). Weights already zero start masked, so a
  // resumed run keeps what was pruned.
  MagnitudePruner(torch::nn::Module& model, std::string scope);

  // Masks the smallest weights so that `sparsity` of the prunable weights are
  // zero (or more, when more were already removed), and zeroes them.
  void prune_to(double sparsity);
  // Zeroes the masked weights again (after an optimizer step moved them).
  void apply_masks();

  std::vector<LayerSparsity> layers() const;
  double sparsity() const;  // over every prunable weight

 private:
  std::string scope_;
  std::vector<PrunableWeight> weights_;
  std::vector<torch::Tensor> masks_;  // bool, true: kept
};

}  // namespace cradle
