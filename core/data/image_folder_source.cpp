#include "core/data/image_folder_source.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/image_decoding.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

bool is_image_file(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

bool is_hidden(const fs::path& path) { return path.filename().string().rfind('.', 0) == 0; }

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
      if (entry.is_regular_file() && !is_hidden(entry.path()) && is_image_file(entry.path()))
        images.push_back(entry.path());
    std::sort(images.begin(), images.end());  // directory order differs between file systems
    for (auto& image : images) files.emplace_back(std::move(image), label);
  }
  if (files.empty()) throw DataError(folder.string() + ": no PNG, JPEG or BMP images in the class sub-folders");

  const std::int64_t sample_bytes = options.channels * options.height * options.width;
  std::vector<std::uint8_t> pixels;
  pixels.reserve(files.size() * static_cast<size_t>(sample_bytes));
  std::vector<std::int64_t> labels;
  for (const auto& [path, label] : files) {
    const auto image =
        decode_image_bytes(read_file(path), {options.height, options.width, options.channels, options.keep_aspect});
    if (!image.defined()) {
      if (!options.skip_bad_files)
        throw DataError(path.string() +
                        ": not a readable image (set data.on_bad_file to \"skip\" to leave such files out)");
      out.skipped_files.push_back(path.string());
      continue;
    }
    pixels.insert(pixels.end(), image.data_ptr<std::uint8_t>(), image.data_ptr<std::uint8_t>() + image.numel());
    labels.push_back(label);
  }
  if (labels.empty())
    throw DataError(folder.string() + ": none of the " + std::to_string(files.size()) + " images could be read");

  const auto n = static_cast<std::int64_t>(labels.size());
  out.pixels =
      torch::from_blob(pixels.data(), {n, options.channels, options.height, options.width}, torch::kUInt8).clone();
  out.labels = torch::tensor(labels, torch::kInt64);
  return out;
}

}  // namespace cradle
