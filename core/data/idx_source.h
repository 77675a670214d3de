#pragma once
#include <cstdint>
#include <filesystem>

#include "core/data/labelled_images.h"

namespace cradle {

// A pair of IDX files (rank-3 images, rank-1 labels) as single-channel images;
// at most `limit` samples when limit > 0.
LabelledImages read_idx_images(const std::filesystem::path& images_file, const std::filesystem::path& labels_file,
                               std::int64_t limit);

}  // namespace cradle
