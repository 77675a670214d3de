#pragma once
// A compression stage's run against the original (the run a pruned model
// started from, or a student's teacher), on the same test split: size on disk, parameters that are not zero, latency per
// sample at batch 1 and at the training batch, and the task metric (test
// accuracy; test MAE for regression, test perplexity for a language model). Written into report.json as "compression".
#include <torch/nn.h>

#include <filesystem>
#include <functional>

#include "core/data/tensor_dataset.h"
#include "core/experiment/experiment.h"

namespace cradle {

// What a compression stage produced and what it is compared with. The stage
// and its test split are given on construction; the rest is set by name.
struct CompressedRun {
  CompressedRun(const Experiment& stage, const TensorDataset& test_split) : experiment(stage), test(test_split) {}
  const Experiment& experiment;  // the compression stage
  const TensorDataset& test;
  torch::nn::Sequential model;    // the compressed model, trained
  std::filesystem::path weights;  // its saved weights file
  torch::Device device = torch::kCPU;
  std::filesystem::path original_run;                     // a run folder, or a Hugging Face model folder (a teacher)
  std::function<torch::nn::Sequential()> build_original;  // a fresh model of the original's shape
  double target_std = 1.0;                                // regression: targets were standardised by it
};

Json compare_with_original(const CompressedRun& run);

// The comparison as one readable line, for train.log and the terminal:
// "test_accuracy 0.9233 -> 0.9306, parameters 421994 -> 421994 (non-zero 421994 -> 84868), ..."
std::string describe_comparison(const Json& comparison);

}  // namespace cradle
