#include "core/data/dataset_statistics.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>

namespace cradle {
namespace {

SplitStatistics split_statistics(const std::string& name, const ClassificationData& data, const TensorDataset& split) {
  const std::int64_t classes = data.num_classes();
  SplitStatistics s;
  s.split = name;
  s.samples = split.size();
  s.class_counts.assign(static_cast<size_t>(classes), 0);
  if (s.samples == 0) return s;
  if (split.targets.is_floating_point()) {  // regression: standardised numbers back in target units
    const auto y = split.targets.to(torch::kFloat64) * data.target_std + data.target_mean;
    s.target_mean = y.mean().item<double>();
    s.target_std = y.std(/*unbiased=*/false).item<double>();
    s.target_min = y.min().item<double>();
    s.target_max = y.max().item<double>();
  } else {
    const auto counts = torch::bincount(split.targets, {}, classes);
    for (std::int64_t c = 0; c < classes; ++c) s.class_counts[static_cast<size_t>(c)] = counts[c].item<std::int64_t>();
  }
  const auto values = split.inputs.to(torch::kFloat64);
  s.input_mean = values.mean().item<double>();
  s.input_std = values.std(/*unbiased=*/false).item<double>();
  s.input_min = values.min().item<double>();
  s.input_max = values.max().item<double>();
  return s;
}

}  // namespace

DatasetStatistics compute_dataset_statistics(const ClassificationData& data) {
  DatasetStatistics stats;
  stats.class_names = data.class_names;
  stats.input_shape = data.input_shape;
  stats.skipped_files = data.skipped_files;
  stats.dropped_rows = data.dropped_rows;
  stats.splits = {split_statistics("train", data, data.train), split_statistics("validation", data, data.validation),
                  split_statistics("test", data, data.test)};
  return stats;
}

nlohmann::ordered_json statistics_to_json(const DatasetStatistics& s) {
  nlohmann::ordered_json doc = {{"class_names", s.class_names}, {"input_shape", s.input_shape}};
  nlohmann::ordered_json splits = nlohmann::ordered_json::object();
  for (const auto& split : s.splits) {
    splits[split.split] = {{"samples", split.samples},       {"class_counts", split.class_counts},
                           {"input_mean", split.input_mean}, {"input_std", split.input_std},
                           {"input_min", split.input_min},   {"input_max", split.input_max}};
    if (split.target_mean)
      splits[split.split]["target"] = {{"mean", *split.target_mean},
                                       {"std", *split.target_std},
                                       {"min", *split.target_min},
                                       {"max", *split.target_max}};
  }
  doc["splits"] = std::move(splits);
  doc["skipped_files"] = s.skipped_files;
  doc["dropped_rows"] = s.dropped_rows;
  return doc;
}

std::string format_dataset_statistics(const DatasetStatistics& s) {
  std::string out, shape;
  for (auto d : s.input_shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
  char line[256];
  const bool regression = !s.splits.empty() && s.splits[0].target_mean.has_value();
  if (regression)
    std::snprintf(line, sizeof line, "inputs %s, a numeric target\n\n", shape.c_str());
  else
    std::snprintf(line, sizeof line, "inputs %s, %zu classes\n\n", shape.c_str(), s.class_names.size());
  out += line;
  size_t name_width = 5;
  for (const auto& name : s.class_names) name_width = std::max(name_width, name.size());
  std::snprintf(line, sizeof line, "%-*s %10s %10s %10s\n", static_cast<int>(name_width), "class", "train",
                "validation", "test");
  out += line;
  for (size_t c = 0; c < s.class_names.size(); ++c) {
    std::snprintf(line, sizeof line, "%-*s %10lld %10lld %10lld\n", static_cast<int>(name_width),
                  s.class_names[c].c_str(), static_cast<long long>(s.splits[0].class_counts[c]),
                  static_cast<long long>(s.splits[1].class_counts[c]),
                  static_cast<long long>(s.splits[2].class_counts[c]));
    out += line;
  }
  std::snprintf(line, sizeof line, "%-*s %10lld %10lld %10lld\n\n", static_cast<int>(name_width), "total",
                static_cast<long long>(s.splits[0].samples), static_cast<long long>(s.splits[1].samples),
                static_cast<long long>(s.splits[2].samples));
  out += line;
  for (const auto& split : s.splits) {
    if (!split.target_mean) continue;
    std::snprintf(line, sizeof line, "%-10s target: mean %.4g, std %.4g, range [%.4g, %.4g]\n", split.split.c_str(),
                  *split.target_mean, *split.target_std, *split.target_min, *split.target_max);
    out += line;
  }
  for (const auto& split : s.splits) {
    if (split.samples == 0) continue;
    std::snprintf(line, sizeof line, "%-10s inputs after normalisation: mean %.4f, std %.4f, range [%.4f, %.4f]\n",
                  split.split.c_str(), split.input_mean, split.input_std, split.input_min, split.input_max);
    out += line;
  }
  if (!s.skipped_files.empty()) {
    out += "skipped " + std::to_string(s.skipped_files.size()) + " unreadable file(s):\n";
    for (size_t i = 0; i < std::min<size_t>(s.skipped_files.size(), 10); ++i) out += "  " + s.skipped_files[i] + "\n";
  }
  if (s.dropped_rows > 0) out += "dropped " + std::to_string(s.dropped_rows) + " row(s) with missing values\n";
  return out;
}

}  // namespace cradle
