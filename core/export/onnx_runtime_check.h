#pragma once
// Proof that an exported ONNX graph computes what the model computes: the
// graph is run by an implementation independent of LibTorch on real inputs
// and its outputs compared with LibTorch's.
//  - OpenCV's DNN module (linked in): image and table graphs. OpenCV 4.6
//    cannot run token models (no Gather with computed indices, no Shape on a
//    dynamic axis).
//  - ONNX Runtime, run by Node.js with the onnxruntime-node package
//    (scripts/install-deps.sh installs it under /usr/local/lib/cradle; the
//    environment variable CRADLE_ONNXRUNTIME_NODE names another copy): any graph.
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/export/onnx_export.h"

namespace cradle {

// A runtime that cannot load or run a graph (an operator it lacks): not a
// disagreement, and another runtime may check the graph.
struct OnnxRuntimeUnable : Error {
  using Error::Error;
};

struct OnnxRuntimeCheck {
  std::string runtime;            // "OpenCV DNN 4.6.0", "ONNX Runtime 1.30.0"
  std::int64_t samples = 0;       // sequences or samples compared
  double max_abs_difference = 0;  // over every output value
  bool passed = false;            // max_abs_difference <= tolerance
  double tolerance = 1e-4;
};

// OnnxRuntimeUnable when OpenCV cannot read or run the graph.
OnnxRuntimeCheck check_onnx_with_opencv(const OnnxGraph& graph, torch::nn::Sequential& model,
                                        const torch::Tensor& inputs, double tolerance = 1e-4);

// The onnxruntime-node package folder, when one is installed and Node.js is on the PATH.
std::optional<std::string> find_onnxruntime_node();

// Each of `batches` (float32 samples, or int64 token ids [B, T] of any T) is
// run through the graph. OnnxRuntimeUnable when ONNX Runtime is missing or cannot load or run it.
OnnxRuntimeCheck check_onnx_with_onnxruntime(const OnnxGraph& graph, torch::nn::Sequential& model,
                                             const std::vector<torch::Tensor>& batches, double tolerance = 1e-4);

}  // namespace cradle
