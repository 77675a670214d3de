#pragma once
// The experiment file's `model` section: the architecture and its sizes. Each
// model type takes its own fields; another type's field is an error naming
// the types that use it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"
#include "core/experiment/task.h"

namespace cradle {

struct ModelSpec {
  // Images and tables: mlp | cnn | lenet5 | resnet. Images at ImageNet's scale, in torchvision's layout
  // (core/models/imagenet_resnet.h, mobilenet_v2.h): resnet18 | resnet34 | resnet50 | resnet101 | resnet152 |
  // mobilenet_v2. Language models: lstm | gru | rnn | gpt.
  // Text classification: lstm | gru | rnn | encoder (a transformer encoder).
  // A language model read from a Hugging Face model folder: pretrained.
  std::string type = "cnn";
  std::string folder;  // pretrained: the model folder (config.json, safetensors); its config decides the rest
  std::vector<std::int64_t> conv_channels = {32, 64};  // cnn: one block (conv, norm, act, pool) each
  std::int64_t kernel_size = 3;                        // cnn: odd with "same" padding
  std::string padding = "same";                        // cnn: "same" (kernel_size / 2 on each side) or "valid" (none)
  std::int64_t stride = 1;                             // cnn: convolution stride
  double conv_dropout = 0.0;                           // cnn: channel dropout (Dropout2d) after each block
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
  std::int64_t layers = 2;            // recurrent: stacked layers; gpt, encoder: transformer blocks
  std::int64_t width = 128;           // gpt, encoder: model width (embedding and residual stream)
  std::int64_t heads = 4;             // gpt, encoder: attention heads (width must divide by it)
  std::string position =
      "learned";            // gpt, encoder: "learned" position embeddings or "rotary" (RoPE on queries and keys)
  bool tie_weights = true;  // gpt: the output layer shares the token embedding's matrix
  // Text classification only (a language model predicts at every position, left to right):
  bool bidirectional = false;  // recurrent: a second stack reads the text backwards
  // How a text's per-token states become one vector for the classifier:
  // "last" (recurrent: the final state of each direction; encoder: the last
  // token), "mean" or "max" over the text's tokens (padding left out).
  std::string pooling = "last";  // recurrent (default "last"), encoder (default "mean")

  bool is_recurrent() const { return type == "lstm" || type == "gru" || type == "rnn"; }
  bool is_pretrained() const { return type == "pretrained"; }
  bool is_imagenet_backbone() const { return is_imagenet_backbone_type(type); }
  static bool is_imagenet_backbone_type(const std::string& type) {
    return type == "resnet18" || type == "resnet34" || type == "resnet50" || type == "resnet101" ||
           type == "resnet152" || type == "mobilenet_v2";
  }
  bool reads_tokens() const { return is_recurrent() || type == "gpt" || type == "encoder" || is_pretrained(); }
};

// `task` decides which fields a type reads: pooling and bidirectional belong to text classification.
ModelSpec parse_model_spec(JsonObjectReader r, Task task);
Json model_spec_to_json(const ModelSpec& spec, Task task);

}  // namespace cradle
