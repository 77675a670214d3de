#pragma once
// Recurrent language model: token embedding, a stack of LSTM, GRU or Elman
// RNN layers, and a linear layer to next-token logits at every position.
// Input [B, T] int64 token ids, output [B, T, vocab] logits.
#include <torch/nn.h>

#include <cstdint>

#include "core/experiment/experiment.h"
#include "core/models/layer_cost.h"

namespace cradle {

// The recurrent stack as one Sequential-friendly module: it returns the
// per-position outputs and drops the final states.
class RecurrentStackImpl : public torch::nn::Module, public CostedLayer {
 public:
  RecurrentStackImpl(const std::string& cell, std::int64_t input_size, std::int64_t hidden_size, std::int64_t layers,
                     double dropout);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;

 private:
  std::int64_t gates_, input_size_, hidden_size_, layers_;
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::RNN rnn_{nullptr};
};
TORCH_MODULE(RecurrentStack);

torch::nn::Sequential build_recurrent_language_model(const ModelSpec& spec, std::int64_t vocab_size);

}  // namespace cradle
