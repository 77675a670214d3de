#include "core/compress/model_footprint.h"

#include <torch/torch.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/models/evaluation_mode.h"

namespace cradle {
namespace {

std::int64_t zlib_size(const std::string& bytes) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::vector<Bytef> out(size);
  if (compress2(out.data(), &size, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uLong>(bytes.size()), 9) !=
      Z_OK)
    throw IoError("zlib could not compress the weights file");
  return static_cast<std::int64_t>(size);
}

// Median milliseconds per sample of forward passes over `batch`. A fast model
// is timed in blocks of passes lasting at least a millisecond each, so the
// clock's resolution and a stray interrupt do not decide the figure.
double median_ms_per_sample(torch::nn::Sequential& model, const torch::Tensor& batch, int repeats) {
  const auto now = [] { return std::chrono::steady_clock::now(); };
  const auto pass = [&] {
    auto out = model->forward(batch);
    if (out.is_cuda()) torch::cuda::synchronize();
  };
  for (int i = 0; i < 5; ++i) pass();  // warm-up: allocations, kernel selection
  const auto probe = now();
  pass();
  const double one = std::chrono::duration<double, std::milli>(now() - probe).count();
  const int per_block = std::clamp(static_cast<int>(1.0 / std::max(one, 1e-4)), 1, 1000);
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = now();
    for (int k = 0; k < per_block; ++k) pass();
    times.push_back(std::chrono::duration<double, std::milli>(now() - start).count() / per_block);
  }
  std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2), times.end());
  return times[times.size() / 2] / static_cast<double>(batch.size(0));
}

}  // namespace

ModelFootprint measure_footprint(torch::nn::Sequential& model, const std::filesystem::path& weights_file,
                                 const torch::Tensor& inputs, std::int64_t batch, int repeats) {
  return measure_footprint(model, std::vector<std::filesystem::path>{weights_file}, inputs, batch, repeats);
}

ModelFootprint measure_footprint(torch::nn::Sequential& model, const std::vector<std::filesystem::path>& weights_files,
                                 const torch::Tensor& inputs, std::int64_t batch, int repeats) {
  ModelFootprint f;
  for (const auto& file : weights_files) {
    const std::string bytes = read_file(file);
    f.file_bytes += static_cast<std::int64_t>(bytes.size());
    f.compressed_bytes += zlib_size(bytes);
  }
  torch::NoGradGuard no_grad;
  for (const auto& p : model->parameters()) {
    f.parameters += p.numel();
    f.nonzero_parameters += p.ne(0).sum().item<std::int64_t>();
  }
  const EvaluationMode evaluation(*model);
  f.batch = std::min<std::int64_t>(batch, inputs.size(0));
  f.batch1_ms_per_sample = median_ms_per_sample(model, inputs.slice(0, 0, 1), repeats);
  f.batch_ms_per_sample = median_ms_per_sample(model, inputs.slice(0, 0, f.batch), repeats);
  return f;
}

Json footprint_to_json(const ModelFootprint& f) {
  return Json{{"file_bytes", f.file_bytes},
              {"compressed_bytes", f.compressed_bytes},
              {"parameters", f.parameters},
              {"nonzero_parameters", f.nonzero_parameters},
              {"latency_ms_per_sample",
               {{"batch_1", f.batch1_ms_per_sample}, {"batch_" + std::to_string(f.batch), f.batch_ms_per_sample}}}};
}

Json compression_comparison(const ModelFootprint& original, const ModelFootprint& compressed, const std::string& metric,
                            double original_value, double compressed_value) {
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  Json out = {{"original", footprint_to_json(original)}, {"compressed", footprint_to_json(compressed)}};
  out["original"][metric] = original_value;
  out["compressed"][metric] = compressed_value;
  out["metric"] = metric;
  out["metric_change"] = compressed_value - original_value;
  out["file_ratio"] = ratio(static_cast<double>(original.file_bytes), static_cast<double>(compressed.file_bytes));
  out["compressed_file_ratio"] =
      ratio(static_cast<double>(original.compressed_bytes), static_cast<double>(compressed.compressed_bytes));
  out["nonzero_ratio"] =
      ratio(static_cast<double>(original.nonzero_parameters), static_cast<double>(compressed.nonzero_parameters));
  out["speedup_batch_1"] = ratio(original.batch1_ms_per_sample, compressed.batch1_ms_per_sample);
  out["speedup_batch"] = ratio(original.batch_ms_per_sample, compressed.batch_ms_per_sample);
  return out;
}

}  // namespace cradle
