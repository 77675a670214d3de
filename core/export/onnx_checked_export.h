#pragma once
// An ONNX export that is only returned once independent runtimes agree with
// LibTorch on real inputs: image and table graphs by OpenCV's DNN module and,
// when installed, ONNX Runtime; token models by ONNX Runtime (OpenCV 4.6
// cannot run them). Any check beyond tolerance, or no runtime able to check
// the graph, is an Error: a graph nobody has verified is never written.
#include <torch/nn/modules/container/sequential.h>

#include <memory>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/export/onnx_export.h"
#include "core/export/onnx_runtime_check.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct OnnxExport {
  OnnxGraph graph;
  std::vector<OnnxRuntimeCheck> checks;  // every one passed
};

// `inputs`: batches of real inputs (samples; or token ids [B, T], T <= context).
OnnxExport export_checked_onnx(torch::nn::Sequential& model, const std::vector<std::int64_t>& input_shape,
                               const std::string& name, bool token_input, const std::vector<torch::Tensor>& inputs);

// Real token sequences for checking a language model: windows of the
// experiment's test (or validation) text, whole and cut to a third of the
// context (the sequence axis is dynamic), when its data can be read and it is
// a pretraining run; otherwise text the model itself writes by sampling.
std::vector<torch::Tensor> language_model_check_inputs(const Experiment& experiment,
                                                       const std::shared_ptr<const Tokenizer>& tokenizer,
                                                       torch::nn::Sequential& model);

}  // namespace cradle
