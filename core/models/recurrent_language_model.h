#pragma once
// Recurrent language model: token embedding, a stack of LSTM, GRU or Elman
// RNN layers, and a linear layer to next-token logits at every position.
// Input [B, T] int64 token ids, output [B, T, vocab] logits. The stack is
// also the body of the recurrent text classifier (core/models/text_classifier.h).
#include <torch/nn.h>

#include <cstdint>
#include <memory>

#include "core/experiment/experiment.h"
#include "core/models/layer_cost.h"
#include "core/models/padding_mask.h"

namespace cradle {

// The recurrent stack as one Sequential-friendly module: it returns the
// per-position outputs ([B, T, hidden], or [B, T, 2 x hidden] bidirectional:
// forward half first) and drops the final states. With a padding context
// (text classification) each text is packed to its own length, so neither
// direction reads padding.
class RecurrentStackImpl : public torch::nn::Module, public CostedLayer {
 public:
  RecurrentStackImpl(const std::string& cell, std::int64_t input_size, std::int64_t hidden_size, std::int64_t layers,
                     double dropout, bool bidirectional = false,
                     std::shared_ptr<const PaddingContext> padding = nullptr);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;

 private:
  std::int64_t gates_, input_size_, hidden_size_, layers_, directions_;
  std::shared_ptr<const PaddingContext> padding_;
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::RNN rnn_{nullptr};
};
TORCH_MODULE(RecurrentStack);

torch::nn::Sequential build_recurrent_language_model(const ModelSpec& spec, std::int64_t vocab_size);

}  // namespace cradle
