#include "core/run/stages/image_table_data.h"

#include <algorithm>

#include "core/run/sample_snapshots.h"

namespace cradle {

void ImageTableData::load(Experiment& experiment) {
  data = load_classification_data_cached(experiment, &cache);
  normalisation_computed = experiment.data.normalize_auto;
  if (normalisation_computed) {
    experiment.data.normalize_auto = false;
    experiment.data.normalize_mean = data.normalize_mean;
    experiment.data.normalize_std = data.normalize_std;
  }
  if (!experiment.data.augment.empty())
    augmenter = std::make_unique<ImageAugmenter>(experiment.data.augment, data.normalize_mean, data.normalize_std,
                                                 experiment.seed);
}

std::int64_t ImageTableData::outputs(const Experiment& experiment) const {
  return experiment.task == Task::Regression ? 1 : data.num_classes();
}

void ImageTableData::describe_skipped(const StageContext& context) const {
  for (const auto& file : data.skipped_files) context.log("data: skipped unreadable file " + file);
}

void ImageTableData::describe_normalisation(const StageContext& context) const {
  if (normalisation_computed)
    context.log("data: normalisation computed on the training split: mean " + Json(data.normalize_mean).dump() +
                ", std " + Json(data.normalize_std).dump());
}

void ImageTableData::report(const Experiment& experiment, Json& report) const {
  if (experiment.task == Task::Regression)
    report["target"] =
        Json{{"column", experiment.data.target}, {"train_mean", data.target_mean}, {"train_std", data.target_std}};
  else
    report["class_names"] = data.class_names;
  // Examples only: a folder of thousands of broken files must not bloat the report.
  const auto& skipped = data.skipped_files;
  report["data"] =
      Json{{"train_samples", data.train.size()},
           {"validation_samples", data.validation.size()},
           {"test_samples", data.test.size()},
           {"skipped_files", skipped.size()},
           {"dropped_rows", data.dropped_rows},
           {"cache", to_string(cache)},
           {"skipped_examples",
            std::vector<std::string>(skipped.begin(), skipped.begin() + std::min<size_t>(skipped.size(), 10))}};
}

std::unique_ptr<SampleSnapshots> ImageTableData::snapshots(const StageContext& context, torch::nn::Sequential model,
                                                           const std::vector<std::int64_t>& input_shape) const {
  if (context.experiment.task != Task::Classification || input_shape.size() != 3 || data.validation.size() == 0)
    return nullptr;
  return SampleSnapshots::for_images(model, data.validation, data.class_names, data.normalize_mean, data.normalize_std,
                                     context.folder.samples_file());
}

}  // namespace cradle
