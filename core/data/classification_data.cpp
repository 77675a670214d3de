#include "core/data/classification_data.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/data/cifar10_source.h"
#include "core/data/idx_source.h"
#include "core/data/seeded_order.h"

namespace cradle {
namespace {

enum class Split { Train, Test };

LabelledImages read_split(const Experiment& e, Split split, std::int64_t limit) {
  const DataSpec& d = e.data;
  if (d.source == "cifar10")
    return read_cifar10_folder(e.resolve(d.folder), split == Split::Train ? CifarSplit::Train : CifarSplit::Test, limit);
  return split == Split::Train ? read_idx_images(e.resolve(d.train_images), e.resolve(d.train_labels), limit)
                               : read_idx_images(e.resolve(d.test_images), e.resolve(d.test_labels), limit);
}

// Where a split's labels come from, for messages.
std::string labels_origin(const Experiment& e, Split split) {
  if (e.data.source == "cifar10") return e.resolve(e.data.folder).string();
  return e.resolve(split == Split::Train ? e.data.train_labels : e.data.test_labels).string();
}

torch::Tensor normalised(const torch::Tensor& pixels, const DataSpec& d) {
  return pixels.to(torch::kFloat32).div_(255.0).sub_(d.normalize_mean).div_(d.normalize_std);
}

std::int64_t max_label(const torch::Tensor& labels) { return labels.numel() > 0 ? labels.max().item<std::int64_t>() : 0; }

std::vector<std::int64_t> sample_shape(const torch::Tensor& pixels) {
  return {pixels.size(1), pixels.size(2), pixels.size(3)};
}

std::string shape_text(const std::vector<std::int64_t>& s) {
  return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

}  // namespace

ClassificationData load_classification_data(const Experiment& e, SplitsToLoad which) {
  ClassificationData data;
  const LabelledImages test = read_split(e, Split::Test, e.data.max_test_samples);
  data.test = {normalised(test.pixels, e.data), test.labels};
  data.input_shape = sample_shape(test.pixels);
  std::int64_t highest = max_label(test.labels);
  std::vector<std::string> source_names = test.class_names;
  std::string highest_origin = labels_origin(e, Split::Test);

  if (which == SplitsToLoad::All) {
    const LabelledImages train = read_split(e, Split::Train, 0);
    if (sample_shape(train.pixels) != data.input_shape)
      throw DataError(labels_origin(e, Split::Train) + ": training images are " + shape_text(sample_shape(train.pixels)) +
                      " (channels x height x width) but the test images are " + shape_text(data.input_shape));
    if (max_label(train.labels) > highest) {
      highest = max_label(train.labels);
      highest_origin = labels_origin(e, Split::Train);
    }
    if (source_names.empty()) source_names = train.class_names;

    // One seeded permutation picks the subset (max_train_samples) and the validation split.
    auto order = seeded_permutation(train.labels.size(0), e.seed);
    if (e.data.max_train_samples > 0 && e.data.max_train_samples < static_cast<std::int64_t>(order.size()))
      order.resize(static_cast<size_t>(e.data.max_train_samples));
    const auto n_validation = static_cast<std::int64_t>(e.data.validation_fraction * static_cast<double>(order.size()) + 0.5);
    if (static_cast<std::int64_t>(order.size()) - n_validation < 1)
      throw DataError("data.validation_fraction: leaves no training samples out of " + std::to_string(order.size()));
    const TensorDataset all{normalised(train.pixels, e.data), train.labels};
    data.validation = all.select({order.begin(), order.begin() + n_validation});
    data.train = all.select({order.begin() + n_validation, order.end()});
  }

  // The experiment's names win, then the source's, then "0", "1", ...
  data.class_names = !e.data.class_names.empty() ? e.data.class_names : source_names;
  if (data.class_names.empty())
    for (std::int64_t c = 0; c <= std::max<std::int64_t>(highest, 1); ++c) data.class_names.push_back(std::to_string(c));
  if (highest >= data.num_classes())
    throw DataError(highest_origin + ": label " + std::to_string(highest) + " but " +
                    (e.data.class_names.empty() ? std::string("the source names only ")
                                                : std::string("data.class_names lists only ")) +
                    std::to_string(data.num_classes()) + " classes");
  return data;
}

}  // namespace cradle
