#pragma once
// Int8 compute for inference (issue 10): LibTorch's dynamically quantised
// linear operator (quantized::linear_dynamic: int8 weights with per-channel
// scales, each input batch quantised on the fly, float32 out) in place of the
// float Linear layers that are direct parts of a model's Sequential (an MLP's,
// a CNN's or LeNet's classifier, a language model's output layer). Layers
// inside other modules (a GPT block's attention and MLP, a ResNet's blocks)
// stay float: the modules call their own Linear members.
#include <torch/nn/modules/container/sequential.h>

#include <string>

namespace cradle {

// "auto": onednn where this LibTorch has it, else qnnpack (at::globalContext().supportedQEngines()).
// ConfigError for an engine this build lacks. Sets it as LibTorch's quantised engine.
std::string select_quantized_engine(const std::string& requested);

// Whether the current quantised engine needs 7-bit activations (reduce_range)
// to stay exact on this processor: measured once per engine by a probe whose
// full-range products a saturating kernel (no VNNI) gets wrong.
bool int8_needs_reduced_range();

struct DynamicInt8Model {
  torch::nn::Sequential model{nullptr};  // evaluation only
  bool reduced_range = false;            // 7-bit activations: see int8_needs_reduced_range
  std::int64_t quantized_layers = 0;
  std::int64_t linear_layers = 0;  // every Linear in the model, nested ones included
};

// A new Sequential sharing `model`'s other layers, with its top-level Linear
// layers quantised (weights as quantize_per_channel makes them), with reduced
// range where the engine needs it.
DynamicInt8Model with_dynamic_int8_linears(const torch::nn::Sequential& model);

// How far int8 compute is from float32 on `inputs`: |int8(x) - float(x)| / |float(x)|
// over the model's outputs (Frobenius norms).
double int8_relative_error(torch::nn::Sequential model, const torch::Tensor& inputs);

}  // namespace cradle
