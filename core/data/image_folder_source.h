#pragma once
// The torchvision ImageFolder layout: one sub-folder per class, named after it,
// holding PNG, JPEG or BMP files, decoded with OpenCV to a fixed size and
// channel count. Unreadable images are skipped (and counted) or fatal, as the
// experiment says.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/labelled_images.h"

namespace cradle {

struct ImageFolderOptions {
  std::int64_t height = 28;
  std::int64_t width = 28;
  std::int64_t channels = 1;  // 1: grayscale, 3: RGB
  bool keep_aspect = false;   // true: scale to fit, centre, pad with black; false: stretch
  bool skip_bad_files = false;
  // The class list to label by (a test folder must use the training folder's);
  // empty: the sub-folders found, sorted by name.
  std::vector<std::string> classes;
};

// Lists the class sub-folders of `folder`, sorted; IoError when there are none.
std::vector<std::string> image_folder_classes(const std::filesystem::path& folder);

LabelledImages read_image_folder(const std::filesystem::path& folder, const ImageFolderOptions& options);

}  // namespace cradle
