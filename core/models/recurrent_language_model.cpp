#include "core/models/recurrent_language_model.h"

#include <torch/torch.h>

#include "core/models/fast_dropout.h"

namespace cradle {

RecurrentStackImpl::RecurrentStackImpl(const std::string& cell, std::int64_t input_size, std::int64_t hidden_size,
                                       std::int64_t layers, double dropout, bool bidirectional,
                                       std::shared_ptr<const PaddingContext> padding)
    : gates_(cell == "lstm"  ? 4
             : cell == "gru" ? 3
                             : 1),
      input_size_(input_size),
      hidden_size_(hidden_size),
      layers_(layers),
      directions_(bidirectional ? 2 : 1),
      padding_(std::move(padding)) {
  // LibTorch applies this dropout between layers only; with one layer it would warn.
  const double between = layers > 1 ? dropout : 0.0;
  if (cell == "lstm") {
    lstm_ = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(input_size, hidden_size)
                                                        .num_layers(layers)
                                                        .dropout(between)
                                                        .batch_first(true)
                                                        .bidirectional(bidirectional)));
  } else if (cell == "gru") {
    gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(input_size, hidden_size)
                                                     .num_layers(layers)
                                                     .dropout(between)
                                                     .batch_first(true)
                                                     .bidirectional(bidirectional)));
  } else {
    rnn_ = register_module("rnn", torch::nn::RNN(torch::nn::RNNOptions(input_size, hidden_size)
                                                     .num_layers(layers)
                                                     .dropout(between)
                                                     .batch_first(true)
                                                     .bidirectional(bidirectional)));
  }
}

torch::Tensor RecurrentStackImpl::forward(const torch::Tensor& x) {
  const torch::Tensor lengths = padding_ ? padding_->lengths_for(x) : torch::Tensor();
  if (lengths.defined()) {
    namespace rnn = torch::nn::utils::rnn;
    const auto packed = rnn::pack_padded_sequence(x, lengths, /*batch_first=*/true, /*enforce_sorted=*/false);
    const auto run = [&] {
      if (lstm_) return std::get<0>(lstm_->forward_with_packed_input(packed));
      if (gru_) return std::get<0>(gru_->forward_with_packed_input(packed));
      return std::get<0>(rnn_->forward_with_packed_input(packed));
    };
    const auto out = run();
    return std::get<0>(rnn::pad_packed_sequence(out, /*batch_first=*/true, 0.0, x.size(1)));
  }
  if (lstm_) return std::get<0>(lstm_->forward(x));
  if (gru_) return std::get<0>(gru_->forward(x));
  return std::get<0>(rnn_->forward(x));
}

LayerCost RecurrentStackImpl::cost(const Shape& input_shape, const Shape&) const {
  const std::int64_t length = input_shape.at(0);
  LayerCost c;
  for (std::int64_t layer = 0; layer < layers_; ++layer) {
    const std::int64_t in = layer == 0 ? input_size_ : directions_ * hidden_size_;
    c.flops += directions_ * 2 * length * gates_ * hidden_size_ * (in + hidden_size_);
    c.activations += directions_ * length * (gates_ + 2) * hidden_size_;  // gates, cell or candidate, output
  }
  return c;
}

torch::nn::Sequential build_recurrent_language_model(const ModelSpec& spec, std::int64_t vocab_size) {
  torch::nn::Sequential model;
  model->push_back("embedding", torch::nn::Embedding(vocab_size, spec.embedding_size));
  if (spec.dropout > 0) model->push_back("embedding_dropout", FastDropout(spec.dropout));
  model->push_back(spec.type, std::make_shared<RecurrentStackImpl>(spec.type, spec.embedding_size, spec.hidden_size,
                                                                   spec.layers, spec.dropout));
  if (spec.dropout > 0) model->push_back("output_dropout", FastDropout(spec.dropout));
  model->push_back("logits", torch::nn::Linear(spec.hidden_size, vocab_size));
  return model;
}

}  // namespace cradle
