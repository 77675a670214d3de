#include "core/data/image_decoding.h"

#include <torch/torch.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace cradle {

torch::Tensor decode_image_bytes(const std::string& bytes, const ImageDecoding& how) {
  if (bytes.empty()) return {};
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  cv::Mat image = cv::imdecode(buffer, how.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  if (image.empty()) return {};
  if (how.channels == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
  const cv::Size target(static_cast<int>(how.width), static_cast<int>(how.height));
  if (image.size() != target) {
    cv::Size fitted = target;
    if (how.keep_aspect) {
      const double scale =
          std::min(static_cast<double>(target.width) / image.cols, static_cast<double>(target.height) / image.rows);
      fitted = cv::Size(std::clamp(static_cast<int>(std::lround(image.cols * scale)), 1, target.width),
                        std::clamp(static_cast<int>(std::lround(image.rows * scale)), 1, target.height));
    }
    const bool shrinking = image.cols > fitted.width || image.rows > fitted.height;
    cv::resize(image, image, fitted, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    if (fitted != target) {
      const int top = (target.height - fitted.height) / 2, left = (target.width - fitted.width) / 2;
      cv::copyMakeBorder(image, image, top, target.height - fitted.height - top, left,
                         target.width - fitted.width - left, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    }
  }
  // HWC interleaved to CHW planes.
  std::vector<cv::Mat> planes;
  cv::split(image, planes);
  auto out = torch::empty({how.channels, how.height, how.width}, torch::kUInt8);
  for (std::int64_t c = 0; c < how.channels; ++c) {
    const cv::Mat plane = planes[static_cast<std::size_t>(c)].isContinuous()
                              ? planes[static_cast<std::size_t>(c)]
                              : planes[static_cast<std::size_t>(c)].clone();
    std::copy(plane.data, plane.data + plane.total(), out[c].data_ptr<std::uint8_t>());
  }
  return out;
}

}  // namespace cradle
