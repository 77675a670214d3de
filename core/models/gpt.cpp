#include "core/models/gpt.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/models/batched_matmul.h"
#include "core/models/fast_dropout.h"

namespace cradle {
namespace nn = torch::nn;

torch::Tensor rotary_angles(std::int64_t first_position, std::int64_t length, std::int64_t dim,
                            const torch::Device& device) {
  const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  const auto inverse_frequency =
      torch::pow(10000.0, -torch::arange(0, dim / 2, options) * 2.0 / static_cast<double>(dim));
  return torch::outer(torch::arange(first_position, first_position + length, options), inverse_frequency);
}

torch::Tensor rotate_positions(const torch::Tensor& x, std::int64_t first_position) {
  const std::int64_t length = x.size(2), dim = x.size(3), half = dim / 2;
  const auto angles = rotary_angles(first_position, length, dim, x.device());  // [T, D/2]
  const auto cos = angles.cos().to(x.scalar_type()), sin = angles.sin().to(x.scalar_type());
  const auto first = x.narrow(3, 0, half), second = x.narrow(3, half, half);
  return torch::cat({first * cos - second * sin, first * sin + second * cos}, 3);
}

TokenEmbeddingImpl::TokenEmbeddingImpl(std::int64_t vocab_size, std::int64_t width, std::int64_t context,
                                       bool learned_positions, double dropout_rate) {
  tokens = register_module("tokens", nn::Embedding(vocab_size, width));
  if (learned_positions) positions = register_module("positions", nn::Embedding(context, width));
  dropout = register_module("dropout", FastDropout(dropout_rate));
}

torch::Tensor TokenEmbeddingImpl::forward(const torch::Tensor& ids) {
  auto x = tokens->forward(ids);
  if (positions) x = x + positions->forward(torch::arange(ids.size(1), ids.options()));
  return dropout->forward(x);
}

torch::Tensor TokenEmbeddingImpl::forward_at(const torch::Tensor& ids, std::int64_t first_position) {
  auto x = tokens->forward(ids);
  if (positions) x = x + positions->forward(torch::arange(first_position, first_position + ids.size(1), ids.options()));
  return dropout->forward(x);
}

SelfAttentionImpl::SelfAttentionImpl(std::int64_t width, std::int64_t heads, double dropout, bool rotary, bool causal,
                                     std::shared_ptr<const PaddingContext> padding)
    : heads_(heads), rotary_(rotary), causal_(causal), padding_(std::move(padding)) {
  qkv = register_module("qkv", nn::Linear(width, 3 * width));
  projection = register_module("projection", nn::Linear(width, width));
  attention_dropout_ = register_module("attention_dropout", FastDropout(dropout));
  output_dropout_ = register_module("output_dropout", FastDropout(dropout));
}

const torch::Tensor& SelfAttentionImpl::future_mask(std::int64_t length, const torch::Device& device) {
  if (!future_.defined() || future_.size(0) != length || future_.device() != device)
    future_ = torch::ones({length, length}, torch::TensorOptions().dtype(torch::kBool).device(device)).triu(1);
  return future_;
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
  const std::int64_t batch = x.size(0), length = x.size(1), width = x.size(2), head_width = width / heads_;
  const auto parts = qkv->forward(x).chunk(3, 2);
  const auto split = [&](const torch::Tensor& t) {
    return t.view({batch, length, heads_, head_width}).transpose(1, 2);
  };
  auto q = split(parts[0]), k = split(parts[1]);
  const auto v = split(parts[2]);
  if (rotary_) {
    q = rotate_positions(q);
    k = rotate_positions(k);
  }
  // Heads folded into the batch for the products. In place on the fresh
  // product: it keeps its inputs, not its output, for the backward pass.
  const std::int64_t stacks = batch * heads_;
  auto scores =
      batched_matmul(q.reshape({stacks, length, head_width}), k.reshape({stacks, length, head_width}).transpose(1, 2))
          .view({batch, heads_, length, length})
          .mul_(1.0 / std::sqrt(static_cast<double>(head_width)));
  constexpr float kNever = -std::numeric_limits<float>::infinity();
  if (causal_) scores.masked_fill_(future_mask(length, x.device()), kNever);
  if (padding_) {
    if (const auto tokens = padding_->mask_for(x); tokens.defined())  // [B, T]: no query attends to a padding key
      scores.masked_fill_(tokens.logical_not().view({batch, 1, 1, length}), kNever);
  }
  const auto weights = attention_dropout_->forward(torch::softmax(scores, 3));
  const auto mixed = batched_matmul(weights.reshape({stacks, length, length}), v.reshape({stacks, length, head_width}))
                         .view({batch, heads_, length, head_width})
                         .transpose(1, 2)
                         .contiguous()
                         .view({batch, length, width});
  return output_dropout_->forward(projection->forward(mixed));
}

TransformerBlockImpl::TransformerBlockImpl(std::int64_t width, std::int64_t heads, double dropout_rate, bool rotary,
                                           bool causal, std::shared_ptr<const PaddingContext> padding)
    : heads_(heads) {
  norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({width})));
  attention =
      register_module("attention", SelfAttention(width, heads, dropout_rate, rotary, causal, std::move(padding)));
  norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({width})));
  expand = register_module("expand", nn::Linear(width, 4 * width));
  contract = register_module("contract", nn::Linear(4 * width, width));
  dropout = register_module("dropout", FastDropout(dropout_rate));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) {
  const auto h = x + attention->forward(norm1->forward(x));
  return h + dropout->forward(contract->forward(torch::gelu(expand->forward(norm2->forward(h)))));
}

LayerCost TransformerBlockImpl::cost(const Shape&, const Shape& output_shape) const {
  const std::int64_t length = output_shape.at(0), width = output_shape.at(1);
  LayerCost c;
  // Projections: qkv 3C^2, output C^2, MLP 8C^2 multiply-adds per token; attention: QK^T and the mix, T*C each.
  c.flops = 2 * length * 12 * width * width + 2 * 2 * length * length * width;
  // Per token: 2 norms, qkv, mixed, projection, residual, expand, GELU, contract (17C); scores and softmax per head.
  c.activations = length * 17 * width + 2 * heads_ * length * length;
  return c;
}

TiedLogitsImpl::TiedLogitsImpl(std::shared_ptr<nn::EmbeddingImpl> embedding) : embedding_(std::move(embedding)) {}

torch::Tensor TiedLogitsImpl::forward(const torch::Tensor& x) { return torch::matmul(x, embedding_->weight.t()); }

LayerCost TiedLogitsImpl::cost(const Shape& input_shape, const Shape& output_shape) const {
  return {2 * element_count(input_shape) * output_shape.back(), element_count(output_shape)};
}

void initialize_transformer(torch::nn::Module& net, std::int64_t layers) {
  // GPT-2's initialisation: N(0, 0.02) weights, zero biases, and the layers
  // that write into the residual stream scaled by 1/sqrt(2 * layers) so its
  // variance does not grow with depth.
  torch::NoGradGuard no_grad;
  for (auto& named : net.named_parameters()) {
    const std::string& name = named.key();
    auto& p = named.value();
    if (name.find("norm") != std::string::npos) continue;  // LayerNorm keeps 1 and 0
    if (name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0) {
      p.zero_();
      continue;
    }
    const bool residual_output =
        name.find("projection.weight") != std::string::npos || name.find("contract.weight") != std::string::npos;
    p.normal_(0.0, residual_output ? 0.02 / std::sqrt(2.0 * static_cast<double>(layers)) : 0.02);
  }
}

torch::nn::Sequential build_gpt(const ModelSpec& spec, std::int64_t context, std::int64_t vocab_size) {
  const bool rotary = spec.position == "rotary";
  auto embedding = std::make_shared<TokenEmbeddingImpl>(vocab_size, spec.width, context, !rotary, spec.dropout);
  nn::Sequential net;
  net->push_back("embedding", embedding);
  for (std::int64_t i = 0; i < spec.layers; ++i)
    net->push_back("block" + std::to_string(i + 1),
                   std::make_shared<TransformerBlockImpl>(spec.width, spec.heads, spec.dropout, rotary));
  net->push_back("final_norm", nn::LayerNorm(nn::LayerNormOptions({spec.width})));
  if (spec.tie_weights)
    net->push_back("logits", std::make_shared<TiedLogitsImpl>(embedding->tokens.ptr()));
  else
    net->push_back("logits", nn::Linear(nn::LinearOptions(spec.width, vocab_size).bias(false)));

  initialize_transformer(*net, spec.layers);
  return net;
}

}  // namespace cradle
