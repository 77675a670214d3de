#pragma once
// The layer table shown by `cradle-cli inspect` (and later by the wizard):
// each layer's name, kind, output shape for one sample and parameter count.
#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct LayerRow {
  std::string name;
  std::string kind;                        // "Conv2d", "Linear", ...
  std::vector<std::int64_t> output_shape;  // without the batch dimension
  std::int64_t parameters = 0;
};

struct ModelSummary {
  std::vector<LayerRow> layers;
  std::int64_t total_parameters = 0;
  std::int64_t trainable_parameters = 0;
};

std::string format_model_summary(const ModelSummary& summary);

}  // namespace cradle
