#pragma once
// Weight-only int8 (issue 10): every weight matrix or kernel (floating
// parameters of two or more dimensions: linear, convolution, embedding and
// recurrent weights) stored as int8 with one float32 scale per output channel
// (symmetric: scale = max |w| / 127 over the channel, zero point 0); biases,
// normalisation and buffers stay float32. Loading dequantises (w ≈ q · scale),
// so any model runs from such a file unchanged, at a quarter of the size.
#include <torch/nn/module.h>
#include <torch/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cradle {

struct Int8Tensor {
  torch::Tensor values;  // int8, the weight's shape
  torch::Tensor scales;  // float32, one per slice along dimension 0
};

Int8Tensor quantize_per_channel(const torch::Tensor& weight);
torch::Tensor dequantize(const Int8Tensor& quantized);
bool is_int8_candidate(const torch::Tensor& parameter);  // floating, two or more dimensions

struct Int8TensorReport {
  std::string name;
  std::vector<std::int64_t> shape;
  double max_abs_error = 0;   // |w - dequantize(quantize(w))|, the worst element
  double relative_error = 0;  // ||w - ŵ|| / ||w||
};

// Writes `model`'s state as an int8 weights file; what was quantised, with its error.
std::vector<Int8TensorReport> save_int8_weights(const std::filesystem::path& path, const torch::nn::Module& model);
// Whether `path` is such a file (a LibTorch archive with the int8 marker).
bool is_int8_weights_file(const std::filesystem::path& path);
// Dequantises into `model`; DataError naming the tensor when a name or shape does not fit.
void load_int8_weights(const std::filesystem::path& path, torch::nn::Module& model);

}  // namespace cradle
