#include "core/data/classification_data.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/data/idx_file.h"
#include "core/data/seeded_order.h"

namespace cradle {
namespace {

struct LabelledImages {
  torch::Tensor images;  // [N, 1, H, W] float, normalised
  torch::Tensor labels;  // [N] int64
  std::int64_t max_label = 0;
};

LabelledImages read_idx_pair(const Experiment& e, const std::string& images_field, const std::string& labels_field,
                             const std::string& images_path, const std::string& labels_path, std::int64_t limit) {
  const auto images_file = e.resolve(images_path);
  const auto labels_file = e.resolve(labels_path);
  IdxArray images = read_idx_file(images_file);
  IdxArray labels = read_idx_file(labels_file);
  if (images.dims.size() != 3)
    throw DataError(images_file.string() + " (data." + images_field + "): expected images of rank 3 (count, height, width), got rank " +
                    std::to_string(images.dims.size()));
  if (labels.dims.size() != 1)
    throw DataError(labels_file.string() + " (data." + labels_field + "): expected labels of rank 1, got rank " +
                    std::to_string(labels.dims.size()));
  if (images.count() != labels.count())
    throw DataError(labels_file.string() + ": " + std::to_string(labels.count()) + " labels for the " +
                    std::to_string(images.count()) + " images of " + images_file.string());

  std::int64_t n = images.count();
  if (limit > 0) n = std::min(n, limit);
  const std::int64_t h = images.dims[1], w = images.dims[2];
  LabelledImages out;
  auto raw = torch::from_blob(images.values.data(), {n, 1, h, w}, torch::kUInt8);
  out.images = raw.to(torch::kFloat32).div_(255.0).sub_(e.data.normalize_mean).div_(e.data.normalize_std);
  out.labels = torch::from_blob(labels.values.data(), {n}, torch::kUInt8).to(torch::kInt64);
  out.max_label = n > 0 ? out.labels.max().item<std::int64_t>() : 0;
  return out;
}

std::vector<std::string> class_names_for(const Experiment& e, std::int64_t max_label, const std::string& labels_path) {
  if (e.data.class_names.empty()) {
    std::vector<std::string> names;
    for (std::int64_t c = 0; c <= std::max<std::int64_t>(max_label, 1); ++c) names.push_back(std::to_string(c));
    return names;
  }
  if (max_label >= static_cast<std::int64_t>(e.data.class_names.size()))
    throw DataError(e.resolve(labels_path).string() + ": label " + std::to_string(max_label) + " but data.class_names lists only " +
                    std::to_string(e.data.class_names.size()) + " classes");
  return e.data.class_names;
}

}  // namespace

ClassificationData load_classification_data(const Experiment& e, SplitsToLoad which) {
  ClassificationData data;
  auto test = read_idx_pair(e, "test_images", "test_labels", e.data.test_images, e.data.test_labels, e.data.max_test_samples);
  data.test = {test.images, test.labels};
  data.input_shape = {test.images.size(1), test.images.size(2), test.images.size(3)};
  std::int64_t max_label = test.max_label;

  if (which == SplitsToLoad::All) {
    auto train = read_idx_pair(e, "train_images", "train_labels", e.data.train_images, e.data.train_labels, 0);
    const std::vector<std::int64_t> shape = {train.images.size(1), train.images.size(2), train.images.size(3)};
    if (shape != data.input_shape)
      throw DataError(e.resolve(e.data.train_images).string() + ": images are " + std::to_string(shape[1]) + "x" +
                      std::to_string(shape[2]) + " but the test images are " + std::to_string(data.input_shape[1]) + "x" +
                      std::to_string(data.input_shape[2]));
    max_label = std::max(max_label, train.max_label);

    // One seeded permutation picks the subset (max_train_samples) and the validation split.
    auto order = seeded_permutation(train.images.size(0), e.seed);
    if (e.data.max_train_samples > 0 && e.data.max_train_samples < static_cast<std::int64_t>(order.size()))
      order.resize(static_cast<size_t>(e.data.max_train_samples));
    const auto n_validation = static_cast<std::int64_t>(e.data.validation_fraction * static_cast<double>(order.size()) + 0.5);
    if (static_cast<std::int64_t>(order.size()) - n_validation < 1)
      throw DataError("data.validation_fraction: leaves no training samples out of " + std::to_string(order.size()));
    const TensorDataset all{train.images, train.labels};
    data.validation = all.select({order.begin(), order.begin() + n_validation});
    data.train = all.select({order.begin() + n_validation, order.end()});
  }
  data.class_names = class_names_for(e, max_label, e.data.test_labels);
  return data;
}

}  // namespace cradle
