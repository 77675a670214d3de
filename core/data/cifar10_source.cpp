#include "core/data/cifar10_source.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/cifar10_file.h"

namespace cradle {
namespace fs = std::filesystem;

LabelledImages read_cifar10_folder(const fs::path& folder, CifarSplit split, std::int64_t limit) {
  if (!fs::is_directory(folder)) throw IoError(folder.string() + ": no such folder (data.folder)");
  std::vector<fs::path> files;
  if (split == CifarSplit::Test) {
    files.push_back(folder / "test_batch.bin");
  } else {
    for (int i = 1; i <= 5 && fs::exists(folder / ("data_batch_" + std::to_string(i) + ".bin")); ++i)
      files.push_back(folder / ("data_batch_" + std::to_string(i) + ".bin"));
    if (files.empty()) throw IoError(folder.string() + ": no data_batch_1.bin; not a CIFAR-10 binary folder");
  }

  std::vector<std::uint8_t> labels, pixels;
  for (const auto& file : files) {
    const CifarRecords records = parse_cifar10(read_file(file), file.string());
    labels.insert(labels.end(), records.labels.begin(), records.labels.end());
    pixels.insert(pixels.end(), records.pixels.begin(), records.pixels.end());
    if (limit > 0 && static_cast<std::int64_t>(labels.size()) >= limit) break;
  }
  std::int64_t n = static_cast<std::int64_t>(labels.size());
  if (limit > 0) n = std::min(n, limit);

  LabelledImages out;
  out.pixels = torch::from_blob(pixels.data(), {n, 3, 32, 32}, torch::kUInt8).clone();
  out.labels = torch::from_blob(labels.data(), {n}, torch::kUInt8).to(torch::kInt64);
  if (fs::exists(folder / "batches.meta.txt"))
    out.class_names =
        parse_cifar10_meta(read_file(folder / "batches.meta.txt"), (folder / "batches.meta.txt").string());
  return out;
}

}  // namespace cradle
