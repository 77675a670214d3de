#pragma once
// What a compressed model is compared on (issue 10): its weights file on disk
// (as saved, and after zlib, where zeros cost next to nothing), its parameters
// and how many are not zero, and how long a forward pass takes per sample at
// batch 1 and at the training batch (median of repeated timings, evaluation
// mode, no gradients, on the model's device).
#include <torch/nn.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

struct ModelFootprint {
  std::int64_t file_bytes = 0;
  std::int64_t compressed_bytes = 0;  // zlib level 9 of the file
  std::int64_t parameters = 0;
  std::int64_t nonzero_parameters = 0;
  std::int64_t batch = 0;           // the training batch timed
  double batch1_ms_per_sample = 0;  // median
  double batch_ms_per_sample = 0;   // median, at `batch`
};

// `inputs`: real inputs, at least `batch` of them (the first sample is used at batch 1).
ModelFootprint measure_footprint(torch::nn::Sequential& model, const std::filesystem::path& weights_file,
                                 const torch::Tensor& inputs, std::int64_t batch, int repeats = 15);
// The same for weights stored in several files (a Hugging Face model folder's shards): their sizes added.
ModelFootprint measure_footprint(torch::nn::Sequential& model, const std::vector<std::filesystem::path>& weights_files,
                                 const torch::Tensor& inputs, std::int64_t batch, int repeats = 15);

Json footprint_to_json(const ModelFootprint& footprint);

// How a compressed model compares with its original: both footprints, both
// values of the task metric (its name given), and the ratios people quote.
Json compression_comparison(const ModelFootprint& original, const ModelFootprint& compressed, const std::string& metric,
                            double original_value, double compressed_value);

}  // namespace cradle
