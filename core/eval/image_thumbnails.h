#pragma once
// Normalised image tensors back to pixels people can look at.
#include <torch/types.h>

#include <string>
#include <vector>

namespace cradle {

// images [N, C, H, W] normalised with `mean` and `std` (one value, or one
// per channel) -> uint8 [N, C, H, W], as the pixels were before normalising.
torch::Tensor denormalized_pixels(const torch::Tensor& images, const std::vector<double>& mean,
                                  const std::vector<double>& std);

// One image [C, H, W] (C = 1 or 3) as PNG bytes, enlarged by whole pixels
// (nearest neighbour) until it is at least `min_side` pixels on its short side.
std::string image_png(const torch::Tensor& image, const std::vector<double>& mean, const std::vector<double>& std,
                      std::int64_t min_side = 56);

}  // namespace cradle
