#pragma once
// Classifiers predict one class per sample; language models one token per
// position. Both are scored per prediction: logits [B, C] or [B, T, C] are
// flattened to [units, C] and targets to [units], so the loss, the accuracy
// and their averages are the same code for both tasks.
#include <torch/types.h>

#include <cstdint>
#include <utility>

namespace cradle {

// A target position that is not predicted: a prompt token or padding in
// supervised fine-tuning (core/data/dialogue_data.h). Such positions are left
// out of the loss, the accuracy and their counts.
inline constexpr std::int64_t kIgnoredTarget = -100;

inline std::pair<torch::Tensor, torch::Tensor> flatten_predictions(const torch::Tensor& logits,
                                                                   const torch::Tensor& targets) {
  if (logits.dim() <= 2) return {logits, targets};
  auto flat_logits = logits.reshape({-1, logits.size(-1)});
  auto flat_targets = targets.reshape({-1});
  const auto kept = flat_targets.ge(0);
  if (kept.all().item<bool>()) return {flat_logits, flat_targets};
  const auto rows = kept.nonzero().squeeze(1);
  return {flat_logits.index_select(0, rows), flat_targets.index_select(0, rows)};
}

}  // namespace cradle
