#pragma once
// Writes an ONNX graph node by node for the exporter (core/export/onnx_export.h):
// weights become initializers, every computed value gets a fresh name.
// Compiled with ONNX_NAMESPACE=onnx and ONNX_ML=1, as Debian built libonnx.
#include <onnx/onnx_pb.h>
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace cradle {

class OnnxGraphBuilder {
 public:
  explicit OnnxGraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

  // A float32 initializer holding `value` (any dtype, converted), named
  // `name`; a tensor already stored (tied weights) is stored once, under its first name.
  std::string weight(const std::string& name, const torch::Tensor& value);
  // An int64 initializer (shapes, axes, slice bounds).
  std::string integers(const std::string& name, const std::vector<std::int64_t>& values);
  // A float32 scalar initializer.
  std::string scalar(const std::string& name, float value);

  // Adds a node with one output, returns that output's name. `hint` prefixes the names.
  std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::string& hint);
  // The node last added (for attributes).
  onnx::NodeProto& last_node() { return *graph_.mutable_node(graph_.node_size() - 1); }
  // Adds a node with `count` outputs.
  std::vector<std::string> node_with_outputs(const std::string& op, const std::vector<std::string>& inputs,
                                             const std::string& hint, int count);

  // Attributes of the node last added.
  void ints(const char* name, const std::vector<std::int64_t>& values);
  void integer(const char* name, std::int64_t value);
  void real(const char* name, double value);

  // Common compounds.
  std::string linear(const std::string& x, const std::string& hint, const torch::Tensor& weight,
                     const torch::Tensor& bias,
                     bool rank2);  // Gemm for [N, in], MatMul (+ Add) for any rank
  std::string gelu(const std::string& x,
                   const std::string& hint);  // 0.5 x (1 + erf(x / sqrt 2)), as LibTorch's exact GELU
  std::string layer_norm(const std::string& x, const std::string& hint, const torch::Tensor& weight,
                         const torch::Tensor& bias,
                         double eps);  // over the last axis; opset 13 has no LayerNormalization, so as arithmetic

  int node_count() const { return graph_.node_size(); }

 private:
  std::string fresh(const std::string& hint);
  onnx::GraphProto& graph_;
  int values_ = 0;
  std::map<std::tuple<const void*, std::vector<std::int64_t>, std::vector<std::int64_t>>, std::string> stored_;
  std::vector<torch::Tensor> kept_;  // every stored tensor stays alive, so no later one reuses its address
};

}  // namespace cradle
