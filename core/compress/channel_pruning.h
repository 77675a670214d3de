#pragma once
// Structured pruning (issue 10): whole convolution channels and linear
// neurons are removed, those whose filter (the weights that make the channel
// or neuron) has the smallest L1 norm (Li et al. 2017), and the model is
// rebuilt with narrower layers, so it really holds fewer weights and does less
// work per sample. For the "mlp" and "cnn" models, whose width is their spec's
// conv_channels and hidden: the pruned model is the spec with those numbers
// reduced, its weights the kept slices of the original's (a convolution's or
// linear layer's kept outputs, the next layer's matching inputs, the
// normalisation in between). The output layer keeps every class.
#include <torch/nn.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/model_spec.h"

namespace cradle {

struct PrunedLayer {
  std::string layer;  // "conv1", "fc1"
  std::int64_t kept = 0, total = 0;
};

struct ChannelPruning {
  ModelSpec spec;  // the narrower model
  torch::nn::Sequential model{nullptr};
  std::vector<PrunedLayer> layers;
};

// Removes `share` (in (0, 1)) of the channels of every convolution block and
// of the neurons of every hidden layer, rounded to keep a multiple of 8 in
// layers of 16 or more (at least one stays in smaller ones). `model` was built
// by build_model(spec, input_shape, outputs, category_sizes) and holds the
// trained weights. ConfigError for a model type other than mlp and cnn.
ChannelPruning prune_channels(torch::nn::Sequential& model, const ModelSpec& spec, double share,
                              const std::vector<std::int64_t>& input_shape, std::int64_t outputs,
                              const std::vector<std::int64_t>& category_sizes);

}  // namespace cradle
