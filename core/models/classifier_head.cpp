#include "core/models/classifier_head.h"

#include <torch/torch.h>

#include "core/models/fast_dropout.h"
#include "core/models/layers.h"

namespace cradle {

void append_dense_head(torch::nn::Sequential& net, const ModelSpec& spec, std::int64_t in_features,
                       std::int64_t num_classes) {
  std::int64_t width = in_features;
  for (size_t i = 0; i < spec.hidden.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    net->push_back("fc" + n, torch::nn::Linear(width, spec.hidden[i]));
    if (spec.batch_norm) net->push_back("fc_norm" + n, torch::nn::BatchNorm1d(spec.hidden[i]));
    if (spec.layer_norm)
      net->push_back("fc_norm" + n, torch::nn::LayerNorm(torch::nn::LayerNormOptions({spec.hidden[i]})));
    net->push_back("fc_act" + n, make_activation(spec.activation));
    if (spec.dropout > 0) net->push_back("fc_drop" + n, FastDropout(spec.dropout));
    width = spec.hidden[i];
  }
  net->push_back("out", torch::nn::Linear(width, num_classes));
}

}  // namespace cradle
