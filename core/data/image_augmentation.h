#pragma once
// Seeded augmentation of normalised image batches [B, C, H, W]. Each sample's
// random draws depend only on (seed, epoch, sample index, step), so a run is
// reproducible whatever thread assembles the batch, and an epoch sees other
// draws than the one before. Working on normalised values, pixel-space rules
// are converted with the normalisation: black is -mean/std, a brightness
// factor f maps n to f*n + (f-1)*mean/std.
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "core/data/augmentation_steps.h"

namespace cradle {

class ImageAugmenter {
 public:
  ImageAugmenter(std::vector<AugmentStep> steps, std::vector<double> mean, std::vector<double> std, std::uint64_t seed);

  bool empty() const { return steps_.empty(); }

  // Augments `images` (normalised, sample i of the batch is dataset sample
  // sample_indices[i]) as epoch `epoch` of the run would.
  torch::Tensor apply(const torch::Tensor& images, const torch::Tensor& sample_indices, std::int64_t epoch) const;

  // One step alone, for previews: what `step` does to the batch.
  torch::Tensor apply_step(std::size_t step, const torch::Tensor& images, const torch::Tensor& sample_indices,
                           std::int64_t epoch) const;

  const std::vector<AugmentStep>& steps() const { return steps_; }

 private:
  std::vector<AugmentStep> steps_;
  std::vector<double> mean_, std_;
  std::uint64_t seed_;
};

}  // namespace cradle
