#pragma once
// ONNX for the layers of token models (core/models/gpt.h,
// core/models/recurrent_language_model.h): token and position embeddings,
// causal transformer blocks (learned or rotary positions), LSTM/GRU/RNN
// stacks. Values are [batch, sequence, channels]; the sequence axis is
// dynamic up to the model's context, its length read from the input's shape.
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/export/onnx_graph_builder.h"

namespace cradle {

struct OnnxSequence {
  std::string length;        // a [1] int64 value: the input's sequence length
  std::int64_t context = 0;  // the longest sequence the tables (positions, mask) cover
};

// Emits `layer` applied to `x`; returns the output's name, or an empty string
// when the layer is none of the token-model layers (the caller then refuses it).
std::string sequence_layer_to_onnx(OnnxGraphBuilder& g, const std::string& x, const std::string& name,
                                   const std::shared_ptr<torch::nn::Module>& layer, const OnnxSequence& sequence);

}  // namespace cradle
