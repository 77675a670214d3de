#pragma once
// ONNX export (opset 13) of the models Cradle builds as a Sequential:
//  - images and tables: Linear (Gemm), Conv2d (Conv), BatchNorm1d/2d
//    (BatchNormalization, with the running statistics), ReLU, Tanh, Sigmoid,
//    GELU (as erf arithmetic), max and average pooling, global average
//    pooling, ResNet basic blocks, LayerNorm, Flatten; input "input"
//    float32 [batch, ...sample], output "output";
//  - token models (the GPT, LSTM/GRU/RNN language models): embeddings,
//    causal transformer blocks with learned or rotary positions, LayerNorm,
//    recurrent stacks, tied or plain logits; input "input_ids" int64
//    [batch, sequence] (sequence <= the model's context), output "logits"
//    float32 [batch, sequence, vocabulary].
// Dropout and layout-only layers vanish (the graph is for inference); the
// batch (and sequence) axes are dynamic. Any other layer is refused by name:
// the exporter never writes a graph that computes something else. The graph
// is checked with ONNX's own checker before it is returned; the runtime
// checks are in core/export/onnx_runtime_check.h.
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct OnnxGraph {
  std::string bytes;  // the serialised ModelProto
  std::int64_t opset = 13;
  std::int64_t nodes = 0;
  bool token_input = false;
  std::string input_name = "input", output_name = "output";
  std::string signature;  // "input_ids: int64 [batch, sequence <= 64] -> logits: float32 [batch, sequence, 97]"
};

// `input_shape`: one sample's shape (channels, height, width; features; or
// for token models {context length}). ConfigError naming the first layer it
// cannot express; Error when ONNX's checker rejects the graph.
OnnxGraph export_onnx(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape,
                      const std::string& graph_name, bool token_input = false);

}  // namespace cradle
