#pragma once
// The experiment file's `model` section: the architecture and its sizes. Each
// model type takes its own fields; another type's field is an error naming
// the types that use it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

struct ModelSpec {
  // Images and tables: mlp | cnn | lenet5 | resnet. Language models: lstm | gru | rnn | gpt.
  std::string type = "cnn";
  std::vector<std::int64_t> conv_channels = {32, 64};  // cnn: one block (conv, norm, act, pool) each
  std::int64_t kernel_size = 3;                        // cnn: odd; "same" padding
  std::int64_t stride = 1;                             // cnn: convolution stride
  std::string pool = "max";                            // cnn: 2x2 "max" | "avg" pooling after each block, or "none"
  std::vector<std::int64_t> widths = {16, 32, 64};     // resnet: channels of each stage
  std::vector<std::int64_t> blocks = {2, 2, 2};        // resnet: basic blocks per stage
  std::vector<std::int64_t> hidden = {128};            // mlp, cnn: fully connected layers before the output
  std::string activation = "relu";                     // mlp, cnn, lenet5: relu | gelu | tanh | sigmoid
  bool batch_norm = true;                              // mlp, cnn
  bool layer_norm = false;                             // mlp: layer norm in the dense layers (not with batch_norm)
  double dropout = 0.0;
  std::int64_t embedding_size = 128;  // recurrent: token embedding width
  std::int64_t hidden_size = 256;     // recurrent: state width
  std::int64_t layers = 2;            // recurrent: stacked layers; gpt: transformer blocks
  std::int64_t width = 128;           // gpt: model width (embedding and residual stream)
  std::int64_t heads = 4;             // gpt: attention heads (width must divide by it)
  std::string position = "learned";   // gpt: "learned" position embeddings or "rotary" (RoPE on queries and keys)
  bool tie_weights = true;            // gpt: the output layer shares the token embedding's matrix

  bool is_recurrent() const { return type == "lstm" || type == "gru" || type == "rnn"; }
  bool is_language_model() const { return is_recurrent() || type == "gpt"; }
};

ModelSpec parse_model_spec(JsonObjectReader r);
Json model_spec_to_json(const ModelSpec& spec);

}  // namespace cradle
