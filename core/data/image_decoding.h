#pragma once
// One image file's bytes (PNG, JPEG, BMP) decoded with OpenCV to a fixed size
// and channel count, as the image-folder source reads its files and as
// prediction reads a user's image: grayscale or RGB order, stretched or
// scaled to fit and padded with black, INTER_AREA when shrinking.
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace cradle {

struct ImageDecoding {
  std::int64_t height = 28;
  std::int64_t width = 28;
  std::int64_t channels = 1;  // 1: grayscale, 3: RGB
  bool keep_aspect = false;   // true: scale to fit, centre, pad with black; false: stretch
};

// uint8 [channels, height, width]; an undefined tensor when the bytes are not a readable image.
torch::Tensor decode_image_bytes(const std::string& bytes, const ImageDecoding& how);

}  // namespace cradle
