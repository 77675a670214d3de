#pragma once
// Classifiers predict one class per sample; language models one token per
// position. Both are scored per prediction: logits [B, C] or [B, T, C] are
// flattened to [units, C] and targets to [units], so the loss, the accuracy
// and their averages are the same code for both tasks.
#include <torch/types.h>

#include <utility>

namespace cradle {

inline std::pair<torch::Tensor, torch::Tensor> flatten_predictions(const torch::Tensor& logits,
                                                                   const torch::Tensor& targets) {
  if (logits.dim() <= 2) return {logits, targets};
  return {logits.reshape({-1, logits.size(-1)}), targets.reshape({-1})};
}

}  // namespace cradle
