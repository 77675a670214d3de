#pragma once
// How ImageNet backbones expect their pictures: torchvision's evaluation
// transform (resize to 256, centre-crop 224, normalise by ImageNet's channel
// statistics). An experiment whose model is one of them (model.type resnet18 ...
// mobilenet_v2) gets these as its data defaults; each can be set otherwise.
#include <cstdint>
#include <vector>

namespace cradle {

inline const std::vector<double> kImageNetMean = {0.485, 0.456, 0.406};
inline const std::vector<double> kImageNetStd = {0.229, 0.224, 0.225};
inline constexpr std::int64_t kImageNetInputSize = 224;
inline constexpr double kImageNetCropFraction = 0.875;  // 224 of 256

// The size a picture is decoded to before the centre crop of `input_size`: input_size / crop_fraction, rounded.
inline std::int64_t imagenet_resize_for(std::int64_t input_size, double crop_fraction) {
  return static_cast<std::int64_t>(static_cast<double>(input_size) / crop_fraction + 0.5);
}

}  // namespace cradle
