#include "core/eval/image_thumbnails.h"

#include <torch/torch.h>

#include "core/common/png_encoder.h"

namespace cradle {

torch::Tensor denormalized_pixels(const torch::Tensor& images, const std::vector<double>& mean,
                                  const std::vector<double>& std) {
  const auto channels = images.size(1);
  const auto per_channel = [&](const std::vector<double>& values, double fallback) {
    std::vector<double> out(static_cast<std::size_t>(channels), values.empty() ? fallback : values[0]);
    if (values.size() == static_cast<std::size_t>(channels)) out = values;
    return torch::tensor(out, torch::kFloat64).view({1, -1, 1, 1});
  };
  return (images.to(torch::kFloat64).cpu() * per_channel(std, 1.0) + per_channel(mean, 0.0))
      .mul(255)
      .round()
      .clamp(0, 255)
      .to(torch::kUInt8)
      .contiguous();
}

std::string image_png(const torch::Tensor& image, const std::vector<double>& mean, const std::vector<double>& std,
                      std::int64_t min_side) {
  auto pixels = denormalized_pixels(image.unsqueeze(0), mean, std)[0];  // [C, H, W]
  const std::int64_t short_side = std::min(pixels.size(1), pixels.size(2));
  const std::int64_t scale = std::max<std::int64_t>(1, (min_side + short_side - 1) / short_side);
  if (scale > 1) pixels = pixels.repeat_interleave(scale, 1).repeat_interleave(scale, 2);
  const auto interleaved = pixels.permute({1, 2, 0}).contiguous();  // [H, W, C]
  return encode_png(interleaved.data_ptr<std::uint8_t>(), static_cast<int>(interleaved.size(1)),
                    static_cast<int>(interleaved.size(0)), static_cast<int>(interleaved.size(2)));
}

}  // namespace cradle
