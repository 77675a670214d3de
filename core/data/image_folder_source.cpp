#include "core/data/image_folder_source.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

bool is_image_file(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

bool is_hidden(const fs::path& path) { return path.filename().string().rfind('.', 0) == 0; }

// Decodes into a height x width image of the requested channels (RGB order),
// or an empty Mat when the bytes are not a readable image.
cv::Mat decode_image(const std::string& bytes, const ImageFolderOptions& options) {
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  cv::Mat image = cv::imdecode(buffer, options.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  if (image.empty()) return image;
  if (options.channels == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
  const cv::Size target(static_cast<int>(options.width), static_cast<int>(options.height));
  if (image.size() == target) return image;
  cv::Size fitted = target;
  if (options.keep_aspect) {
    const double scale = std::min(static_cast<double>(target.width) / image.cols, static_cast<double>(target.height) / image.rows);
    fitted = cv::Size(std::clamp(static_cast<int>(std::lround(image.cols * scale)), 1, target.width),
                      std::clamp(static_cast<int>(std::lround(image.rows * scale)), 1, target.height));
  }
  const bool shrinking = image.cols > fitted.width || image.rows > fitted.height;
  cv::resize(image, image, fitted, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  if (fitted != target) {
    const int top = (target.height - fitted.height) / 2, left = (target.width - fitted.width) / 2;
    cv::copyMakeBorder(image, image, top, target.height - fitted.height - top, left, target.width - fitted.width - left,
                       cv::BORDER_CONSTANT, cv::Scalar::all(0));
  }
  return image;
}

}  // namespace

std::vector<std::string> image_folder_classes(const fs::path& folder) {
  if (!fs::is_directory(folder)) throw IoError(folder.string() + ": no such folder");
  std::vector<std::string> classes;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.is_directory() && !is_hidden(entry.path())) classes.push_back(entry.path().filename().string());
  std::sort(classes.begin(), classes.end());
  if (classes.empty())
    throw IoError(folder.string() + ": no class sub-folders; the layout is FOLDER/CLASS_NAME/IMAGE.png");
  return classes;
}

LabelledImages read_image_folder(const fs::path& folder, const ImageFolderOptions& options) {
  const std::vector<std::string> found = image_folder_classes(folder);
  LabelledImages out;
  out.class_names = options.classes.empty() ? found : options.classes;
  for (const auto& name : found)
    if (std::find(out.class_names.begin(), out.class_names.end(), name) == out.class_names.end())
      throw DataError((folder / name).string() + ": class \"" + name + "\" is not among the training folder's classes");

  std::vector<std::pair<fs::path, std::int64_t>> files;
  for (std::int64_t label = 0; label < static_cast<std::int64_t>(out.class_names.size()); ++label) {
    const fs::path class_dir = folder / out.class_names[static_cast<size_t>(label)];
    if (!fs::is_directory(class_dir)) continue;  // a test folder may lack a class
    std::vector<fs::path> images;
    for (const auto& entry : fs::recursive_directory_iterator(class_dir))
      if (entry.is_regular_file() && !is_hidden(entry.path()) && is_image_file(entry.path())) images.push_back(entry.path());
    std::sort(images.begin(), images.end());  // directory order differs between file systems
    for (auto& image : images) files.emplace_back(std::move(image), label);
  }
  if (files.empty()) throw DataError(folder.string() + ": no PNG, JPEG or BMP images in the class sub-folders");

  const std::int64_t sample_bytes = options.channels * options.height * options.width;
  std::vector<std::uint8_t> pixels;
  pixels.reserve(files.size() * static_cast<size_t>(sample_bytes));
  std::vector<std::int64_t> labels;
  for (const auto& [path, label] : files) {
    const cv::Mat image = decode_image(read_file(path), options);
    if (image.empty()) {
      if (!options.skip_bad_files)
        throw DataError(path.string() + ": not a readable image (set data.on_bad_file to \"skip\" to leave such files out)");
      out.skipped_files.push_back(path.string());
      continue;
    }
    // HWC interleaved to CHW planes.
    std::vector<cv::Mat> planes;
    cv::split(image, planes);
    for (const auto& plane : planes) {
      const cv::Mat contiguous = plane.isContinuous() ? plane : plane.clone();
      pixels.insert(pixels.end(), contiguous.data, contiguous.data + contiguous.total());
    }
    labels.push_back(label);
  }
  if (labels.empty()) throw DataError(folder.string() + ": none of the " + std::to_string(files.size()) + " images could be read");

  const auto n = static_cast<std::int64_t>(labels.size());
  out.pixels = torch::from_blob(pixels.data(), {n, options.channels, options.height, options.width}, torch::kUInt8).clone();
  out.labels = torch::tensor(labels, torch::kInt64);
  return out;
}

}  // namespace cradle
