#pragma once
// The data of the stages that train on images or tables — classification,
// regression, pruning, distillation of a classifier: the splits (from the
// data cache where it has them), the normalisation "auto" resolved to, the
// training augmenter, and what train.log, report.json and the live samples
// show of them.
#include <memory>
#include <string>
#include <vector>

#include "core/data/classification_data.h"
#include "core/data/data_cache.h"
#include "core/data/image_augmentation.h"
#include "core/run/stages/stage_runner.h"

namespace cradle {

struct ImageTableData {
  ClassificationData data;
  CacheOutcome cache = CacheOutcome::Off;
  bool normalisation_computed = false;  // "auto" resolved on the training split
  std::unique_ptr<ImageAugmenter> augmenter;

  // Loads the splits and records in `experiment` the normalisation "auto"
  // resolved to, so that evaluating the run later normalises as training did.
  void load(Experiment& experiment);
  // One output for regression, one per class otherwise.
  std::int64_t outputs(const Experiment& experiment) const;
  // train.log: the files left out (data.cache is a common line); call last of
  // the stage's lines for the normalisation (see describe_normalisation).
  void describe_skipped(const StageContext& context) const;
  void describe_normalisation(const StageContext& context) const;
  // report.json: the target's statistics (regression) or the class names, and "data".
  void report(const Experiment& experiment, Json& report) const;
  // Images with a validation split: 16 fixed images and what the model predicts for them.
  std::unique_ptr<SampleSnapshots> snapshots(const StageContext& context, torch::nn::Sequential model,
                                             const std::vector<std::int64_t>& input_shape) const;
};

}  // namespace cradle
