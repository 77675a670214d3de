#pragma once
// ONNX export (opset 13) of a model built as a Sequential of standard layers:
// Linear (Gemm), Conv2d (Conv), BatchNorm1d/2d (BatchNormalization, with the
// running statistics), ReLU, Tanh, Sigmoid, GELU (as erf arithmetic), max and
// average pooling, Flatten; dropout and layout-only layers vanish (the graph
// is for inference). The batch axis is dynamic. Any other layer is refused by
// name: the exporter never writes a graph that computes something else.
// The graph is checked with ONNX's own checker before it is returned.
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct OnnxGraph {
  std::string bytes;  // the serialised ModelProto
  std::int64_t opset = 13;
  std::int64_t nodes = 0;
};

// `input_shape`: one sample's shape (channels, height, width; or features).
// ConfigError naming the first layer it cannot express; Error when ONNX's
// checker rejects the graph.
OnnxGraph export_onnx(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape, const std::string& graph_name);

struct OnnxRuntimeCheck {
  std::string runtime;            // "OpenCV DNN 4.6.0"
  std::int64_t samples = 0;
  double max_abs_difference = 0;  // over every output value
  bool passed = false;            // max_abs_difference <= tolerance
  double tolerance = 1e-4;
};

// Runs `graph` through OpenCV's DNN module (an implementation independent of
// LibTorch) on `inputs` and compares its outputs with `model`'s.
OnnxRuntimeCheck check_onnx_with_opencv(const OnnxGraph& graph, torch::nn::Sequential& model, const torch::Tensor& inputs,
                                        double tolerance = 1e-4);

}  // namespace cradle
