#pragma once
#include <cstdint>
#include <filesystem>

#include "core/data/labelled_images.h"

namespace cradle {

enum class CifarSplit { Train, Test };

// Reads a cifar-10-batches-bin folder: data_batch_1.bin ... data_batch_5.bin
// (those present, at least the first) for training, test_batch.bin for the
// test split, batches.meta.txt for the class names when present.
LabelledImages read_cifar10_folder(const std::filesystem::path& folder, CifarSplit split, std::int64_t limit);

}  // namespace cradle
