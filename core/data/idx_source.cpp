#include "core/data/idx_source.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/data/idx_file.h"

namespace cradle {

LabelledImages read_idx_images(const std::filesystem::path& images_file, const std::filesystem::path& labels_file,
                               std::int64_t limit) {
  IdxArray images = read_idx_file(images_file);
  IdxArray labels = read_idx_file(labels_file);
  if (images.dims.size() != 3)
    throw DataError(images_file.string() + ": expected images of rank 3 (count, height, width), got rank " +
                    std::to_string(images.dims.size()));
  if (labels.dims.size() != 1)
    throw DataError(labels_file.string() + ": expected labels of rank 1, got rank " +
                    std::to_string(labels.dims.size()));
  if (images.count() != labels.count())
    throw DataError(labels_file.string() + ": " + std::to_string(labels.count()) + " labels for the " +
                    std::to_string(images.count()) + " images of " + images_file.string());
  std::int64_t n = images.count();
  if (limit > 0) n = std::min(n, limit);
  LabelledImages out;
  out.pixels = torch::from_blob(images.values.data(), {n, 1, images.dims[1], images.dims[2]}, torch::kUInt8).clone();
  out.labels = torch::from_blob(labels.values.data(), {n}, torch::kUInt8).to(torch::kInt64);
  return out;
}

}  // namespace cradle
