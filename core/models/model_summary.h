#pragma once
// The layer table shown by `cradle-cli inspect` (and later by the wizard):
// each layer's name, kind, output shape for one sample, parameter count and
// estimated forward FLOPs (core/models/layer_cost.h).
#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct LayerRow {
  std::string name;
  std::string kind;                        // "Conv2d", "Linear", ...
  std::vector<std::int64_t> output_shape;  // without the batch dimension
  std::int64_t parameters = 0;
  std::int64_t flops = 0;        // forward, per sample
  std::int64_t activations = 0;  // values kept for the backward pass, per sample
};

struct ModelSummary {
  std::vector<LayerRow> layers;
  std::int64_t total_parameters = 0;
  std::int64_t trainable_parameters = 0;
  std::int64_t flops = 0;        // forward, per sample
  std::int64_t activations = 0;  // per sample
};

// With batch_size > 0 the footer adds the activation memory of a training
// batch (float32) and the FLOPs of a training step (about 3x forward).
std::string format_model_summary(const ModelSummary& summary, std::int64_t batch_size = 0);

// "1.23 G", "456.0 M", "12.0 k", "999".
std::string format_count(double value);
// "1,234,567".
std::string with_thousands(std::int64_t value);

}  // namespace cradle
