#include "core/data/classification_data.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/data/cifar10_source.h"
#include "core/data/idx_source.h"
#include "core/data/image_folder_source.h"
#include "core/data/seeded_order.h"
#include "core/data/splits.h"
#include "core/data/tabular_data.h"

namespace cradle {
namespace {

struct SourceSplits {
  LabelledImages train;  // undefined tensors when only the test split was asked for
  LabelledImages test;
  std::string train_origin, test_origin;  // for messages
};

IndexSplit split_by_policy(const std::vector<std::int64_t>& order, const torch::Tensor& labels, double fraction,
                           bool stratify) {
  const auto contiguous = labels.contiguous();
  const std::vector<std::int64_t> values(contiguous.data_ptr<std::int64_t>(),
                                         contiguous.data_ptr<std::int64_t>() + contiguous.numel());
  return split_by_labels(order, values, fraction, stratify);
}

LabelledImages take(const LabelledImages& from, const std::vector<std::int64_t>& indices) {
  const auto index = torch::tensor(indices, torch::kInt64);
  LabelledImages out;
  out.pixels = from.pixels.index_select(0, index);
  out.labels = from.labels.index_select(0, index);
  out.class_names = from.class_names;
  return out;
}

LabelledImages first(const LabelledImages& images, std::int64_t limit) {
  if (limit <= 0 || limit >= images.labels.size(0)) return images;
  LabelledImages out = images;
  out.pixels = images.pixels.slice(0, 0, limit);
  out.labels = images.labels.slice(0, 0, limit);
  return out;
}

#ifdef CRADLE_WITH_OPENCV
SourceSplits read_image_folders(const Experiment& e, SplitsToLoad which) {
  const DataSpec& d = e.data;
  ImageFolderOptions options;
  options.height = d.image_size.at(0);
  options.width = d.image_size.at(1);
  options.channels = d.channels;
  options.keep_aspect = d.resize == "pad";
  options.skip_bad_files = d.on_bad_file == "skip";
  SourceSplits s;
  s.train_origin = e.resolve(d.folder).string();
  if (!d.test_folder.empty()) {
    s.test_origin = e.resolve(d.test_folder).string();
    if (which == SplitsToLoad::All) s.train = read_image_folder(e.resolve(d.folder), options);
    options.classes = which == SplitsToLoad::All ? s.train.class_names : image_folder_classes(e.resolve(d.folder));
    s.test = first(read_image_folder(e.resolve(d.test_folder), options), d.max_test_samples);
    return s;
  }
  // One folder: a seeded share is the test split, the same for training and for a later eval.
  s.test_origin = s.train_origin;
  const LabelledImages all = read_image_folder(e.resolve(d.folder), options);
  const auto order = seeded_permutation(all.labels.size(0), e.seed ^ 0x7e57ull);
  const IndexSplit split = split_by_policy(order, all.labels, d.test_fraction, d.stratify);
  if (split.held_out.empty() || split.rest.empty())
    throw DataError(s.train_origin + ": data.test_fraction " + std::to_string(d.test_fraction) + " of " +
                    std::to_string(order.size()) + " images leaves an empty test or training split");
  s.test = first(take(all, split.held_out), d.max_test_samples);
  s.test.skipped_files = all.skipped_files;
  if (which == SplitsToLoad::All) s.train = take(all, split.rest);
  return s;
}
#endif

SourceSplits read_sources(const Experiment& e, SplitsToLoad which) {
  const DataSpec& d = e.data;
  SourceSplits s;
  if (d.source == DataSource::ImageFolder) {
#ifdef CRADLE_WITH_OPENCV
    return read_image_folders(e, which);
#else
    throw ConfigError("data.source: \"image_folder\" needs OpenCV, and this build has none (CRADLE_WITH_OPENCV=OFF)");
#endif
  }
  if (d.source == DataSource::Cifar10) {
    s.train_origin = s.test_origin = e.resolve(d.folder).string();
    s.test = read_cifar10_folder(e.resolve(d.folder), CifarSplit::Test, d.max_test_samples);
    if (which == SplitsToLoad::All) s.train = read_cifar10_folder(e.resolve(d.folder), CifarSplit::Train, 0);
    return s;
  }
  s.train_origin = e.resolve(d.train_labels).string();
  s.test_origin = e.resolve(d.test_labels).string();
  s.test = read_idx_images(e.resolve(d.test_images), e.resolve(d.test_labels), d.max_test_samples);
  if (which == SplitsToLoad::All) s.train = read_idx_images(e.resolve(d.train_images), e.resolve(d.train_labels), 0);
  return s;
}

struct Normalization {
  std::vector<double> mean, std;
};

// Per-channel values: computed on the training pixels for "auto", else the
// experiment's (one value standing for every channel).
Normalization resolve_normalization(const DataSpec& d, const torch::Tensor& train_pixels, std::int64_t channels) {
  Normalization n;
  if (d.normalize_auto) {
    const auto scaled = train_pixels.to(torch::kFloat64).div_(255.0);
    const auto mean = scaled.mean({0, 2, 3});
    const auto std = scaled.std({0, 2, 3}, /*unbiased=*/false);
    for (std::int64_t c = 0; c < channels; ++c) {
      n.mean.push_back(mean[c].item<double>());
      const double deviation = std[c].item<double>();
      n.std.push_back(deviation > 1e-12 ? deviation : 1.0);  // a constant channel stays constant
    }
    return n;
  }
  const auto expand = [&](const std::vector<double>& values, const char* field) {
    if (values.size() == 1) return std::vector<double>(static_cast<size_t>(channels), values.front());
    if (static_cast<std::int64_t>(values.size()) != channels)
      throw ConfigError(std::string("data.normalize.") + field + ": " + std::to_string(values.size()) + " values for " +
                        std::to_string(channels) + "-channel images (give one, or one per channel)");
    return values;
  };
  n.mean = expand(d.normalize_mean, "mean");
  n.std = expand(d.normalize_std, "std");
  return n;
}

torch::Tensor normalised(const torch::Tensor& pixels, const Normalization& n) {
  const auto shape = std::vector<std::int64_t>{1, static_cast<std::int64_t>(n.mean.size()), 1, 1};
  const auto mean = torch::tensor(n.mean, torch::kFloat32).view(shape);
  const auto std = torch::tensor(n.std, torch::kFloat32).view(shape);
  return pixels.to(torch::kFloat32).div_(255.0).sub_(mean).div_(std);
}

// Grayscale from RGB by ITU-R BT.601 luminance, or RGB from grayscale by
// repeating the value; uint8 [N, C, H, W] in and out.
void convert_channels(LabelledImages& images, std::int64_t channels) {
  if (!images.pixels.defined() || images.pixels.size(1) == channels) return;
  if (channels == 3) {
    images.pixels = images.pixels.expand({-1, 3, -1, -1}).contiguous();
    return;
  }
  const auto rgb = images.pixels.to(torch::kFloat32);
  const auto luma = rgb.select(1, 0) * 0.299f + rgb.select(1, 1) * 0.587f + rgb.select(1, 2) * 0.114f;
  images.pixels = luma.round().clamp(0, 255).to(torch::kUInt8).unsqueeze(1).contiguous();
}

// The centre [height, width] of every image; DataError when the images are smaller.
void center_crop(LabelledImages& images, const std::vector<std::int64_t>& size, const std::string& origin) {
  if (!images.pixels.defined()) return;
  const std::int64_t height = images.pixels.size(2), width = images.pixels.size(3);
  if (size[0] > height || size[1] > width)
    throw DataError("data.center_crop: [" + std::to_string(size[0]) + ", " + std::to_string(size[1]) +
                    "] is larger than the " + std::to_string(height) + "x" + std::to_string(width) + " images of " +
                    origin);
  const std::int64_t top = (height - size[0]) / 2, left = (width - size[1]) / 2;
  images.pixels = images.pixels.slice(2, top, top + size[0]).slice(3, left, left + size[1]).contiguous();
}

std::int64_t max_label(const torch::Tensor& labels) {
  return labels.numel() > 0 ? labels.max().item<std::int64_t>() : 0;
}

std::vector<std::int64_t> sample_shape(const torch::Tensor& pixels) {
  return {pixels.size(1), pixels.size(2), pixels.size(3)};
}

std::string sample_shape_text(const std::vector<std::int64_t>& s) {
  return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

}  // namespace

ClassificationData load_classification_data(const Experiment& e, SplitsToLoad which) {
  if (e.data.source == DataSource::Text || e.data.source == DataSource::Jsonl)  // a programming error, not the user's
    throw ConfigError("internal: text classification data loads with load_text_classification_data");
  if (e.data.source == DataSource::Csv) return load_tabular_classification(e, which);
  ClassificationData data;
  const bool with_train = which == SplitsToLoad::All || e.data.normalize_auto;
  SourceSplits source = read_sources(e, with_train ? SplitsToLoad::All : which);
  if (e.data.source != DataSource::ImageFolder && e.data.channels != 0) {  // image folders decode to their channels
    convert_channels(source.test, e.data.channels);
    if (with_train) convert_channels(source.train, e.data.channels);
  }
  if (!e.data.center_crop.empty()) {
    center_crop(source.test, e.data.center_crop, source.test_origin);
    if (with_train) center_crop(source.train, e.data.center_crop, source.train_origin);
  }
  const LabelledImages& train = source.train;
  data.input_shape = sample_shape(source.test.pixels);
  std::int64_t highest = max_label(source.test.labels);
  std::string highest_origin = source.test_origin;
  std::vector<std::string> source_names = source.test.class_names;
  data.skipped_files = source.test.skipped_files;

  IndexSplit split;
  if (with_train) {
    if (sample_shape(train.pixels) != data.input_shape)
      throw DataError(source.train_origin + ": training images are " + sample_shape_text(sample_shape(train.pixels)) +
                      " (channels x height x width) but the test images are " + sample_shape_text(data.input_shape));
    if (max_label(train.labels) > highest) {
      highest = max_label(train.labels);
      highest_origin = source.train_origin;
    }
    if (!train.class_names.empty()) source_names = train.class_names;
    if (source.test_origin != source.train_origin)
      data.skipped_files.insert(data.skipped_files.end(), train.skipped_files.begin(), train.skipped_files.end());

    // One seeded permutation picks the subset (max_train_samples) and the validation split.
    auto order = seeded_permutation(train.labels.size(0), e.seed);
    if (e.data.max_train_samples > 0 && e.data.max_train_samples < static_cast<std::int64_t>(order.size()))
      order.resize(static_cast<size_t>(e.data.max_train_samples));
    split = split_by_policy(order, train.labels, e.data.validation_fraction, e.data.stratify);
    if (split.rest.empty())
      throw DataError("data.validation_fraction: leaves no training samples out of " + std::to_string(order.size()));
  }

  // "auto" statistics come from the training part only, never validation or test.
  const Normalization normalization = resolve_normalization(
      e.data, with_train ? train.pixels.index_select(0, torch::tensor(split.rest, torch::kInt64)) : torch::Tensor(),
      data.input_shape[0]);
  data.normalize_mean = normalization.mean;
  data.normalize_std = normalization.std;
  data.test = {normalised(source.test.pixels, normalization), source.test.labels};
  if (which == SplitsToLoad::All) {
    const TensorDataset all{normalised(train.pixels, normalization), train.labels};
    data.validation = all.select(split.held_out);
    data.train = all.select(split.rest);
  }

  // The experiment's names win, then the source's, then "0", "1", ...
  data.class_names = !e.data.class_names.empty() ? e.data.class_names : source_names;
  if (data.class_names.empty())
    for (std::int64_t c = 0; c <= std::max<std::int64_t>(highest, 1); ++c)
      data.class_names.push_back(std::to_string(c));
  if (highest >= data.num_classes())
    throw DataError(highest_origin + ": label " + std::to_string(highest) + " but " +
                    (e.data.class_names.empty() ? std::string("the source names only ")
                                                : std::string("data.class_names lists only ")) +
                    std::to_string(data.num_classes()) + " classes");
  return data;
}

}  // namespace cradle
