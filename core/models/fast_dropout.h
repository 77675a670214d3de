#pragma once
// Dropout for the CPU with a fast mask. ATen's CPU dropout draws its mask with
// bernoulli_, one generator call per element on one thread: in the fortunes
// GPT it took about a tenth of every training step. Here each element's keep
// decision is a hash (SplitMix64) of its index and a per-call seed, computed in
// parallel; the seed comes from LibTorch's default CPU generator, so a run is
// still reproducible from its seed and a checkpoint's generator state, and the
// result does not depend on the number of threads. Same semantics as
// torch::nn::Dropout: in training, zero with probability p and scale the rest
// by 1 / (1 - p); identity in evaluation. On a GPU it is ATen's dropout.
#include <torch/nn.h>

namespace cradle {

// The mask: 0 with probability p, else 1 / (1 - p), shaped and typed as `like` (CPU).
torch::Tensor fast_dropout_mask(const torch::Tensor& like, double p);

// Dropout of x with probability p when `training` (x itself otherwise).
torch::Tensor fast_dropout(const torch::Tensor& x, double p, bool training);

class FastDropoutImpl : public torch::nn::Module {
 public:
  explicit FastDropoutImpl(double p);
  torch::Tensor forward(const torch::Tensor& x);
  double p() const { return p_; }

 private:
  double p_;
};
TORCH_MODULE(FastDropout);

}  // namespace cradle
