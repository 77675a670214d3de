#pragma once
// A decoder-only transformer language model in the GPT-2 layout: token (and
// learned position) embeddings, pre-LayerNorm blocks of causal multi-head
// self-attention and a GELU MLP (4x wide), a final LayerNorm and next-token
// logits, optionally through the token embedding's own matrix (weight tying).
// With position "rotary" the positions enter as rotations of queries and keys
// (RoPE, Su et al. 2021) instead of an added embedding.
// Input [B, T] int64 token ids (T <= context length), output [B, T, vocab].
#include <torch/nn.h>

#include <cstdint>
#include <memory>

#include "core/experiment/model_spec.h"
#include "core/models/fast_dropout.h"
#include "core/models/layer_cost.h"
#include "core/models/padding_mask.h"

namespace cradle {

// Keys and values of the positions one attention layer has already seen, so
// that generation feeds each new token alone (core/eval/packed_gpt_decoder.h).
// `keys` and `values` are [B, H, capacity, D] buffers; the first `length`
// positions are filled.
struct AttentionCache {
  torch::Tensor keys, values;
  std::int64_t length = 0;
};

class TokenEmbeddingImpl : public torch::nn::Module {
 public:
  TokenEmbeddingImpl(std::int64_t vocab_size, std::int64_t width, std::int64_t context, bool learned_positions,
                     double dropout);
  torch::Tensor forward(const torch::Tensor& tokens);
  // Tokens standing at positions first_position, first_position + 1, ...
  torch::Tensor forward_at(const torch::Tensor& tokens, std::int64_t first_position);
  torch::nn::Embedding tokens{nullptr};
  torch::nn::Embedding positions{nullptr};  // null with rotary positions
  FastDropout dropout{nullptr};
};
TORCH_MODULE(TokenEmbedding);

// Multi-head self-attention. Causal (the GPT): position t sees positions <= t.
// Not causal (the text encoder): every token sees every token of its text,
// and none sees padding when a padding context is given.
class SelfAttentionImpl : public torch::nn::Module {
 public:
  SelfAttentionImpl(std::int64_t width, std::int64_t heads, double dropout, bool rotary, bool causal,
                    std::shared_ptr<const PaddingContext> padding = nullptr);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear qkv{nullptr}, projection{nullptr};
  std::int64_t heads() const { return heads_; }
  bool rotary() const { return rotary_; }
  bool causal() const { return causal_; }
  bool masks_padding() const { return padding_ != nullptr; }

 private:
  const torch::Tensor& future_mask(std::int64_t length, const torch::Device& device);

  std::int64_t heads_;
  bool rotary_, causal_;
  std::shared_ptr<const PaddingContext> padding_;
  FastDropout attention_dropout_{nullptr}, output_dropout_{nullptr};
  torch::Tensor future_;  // [T, T] true above the diagonal, kept between steps (not a parameter or buffer)
};
TORCH_MODULE(SelfAttention);

class TransformerBlockImpl : public torch::nn::Module, public CostedLayer {
 public:
  TransformerBlockImpl(std::int64_t width, std::int64_t heads, double dropout, bool rotary, bool causal = true,
                       std::shared_ptr<const PaddingContext> padding = nullptr);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  SelfAttention attention{nullptr};
  torch::nn::Linear expand{nullptr}, contract{nullptr};
  FastDropout dropout{nullptr};

 private:
  std::int64_t heads_;
};
TORCH_MODULE(TransformerBlock);

// Logits through the token embedding's matrix. The matrix stays registered
// only in the embedding, so the optimizer sees it once.
class TiedLogitsImpl : public torch::nn::Module, public CostedLayer {
 public:
  explicit TiedLogitsImpl(std::shared_ptr<torch::nn::EmbeddingImpl> embedding);
  torch::Tensor forward(const torch::Tensor& x);
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;
  const torch::Tensor& embedding_weight() const { return embedding_->weight; }

 private:
  std::shared_ptr<torch::nn::EmbeddingImpl> embedding_;
};
TORCH_MODULE(TiedLogits);

// RoPE's angles for positions first_position .. first_position + length - 1
// and heads of `dim` values: [length, dim / 2] float32, position times
// 10000^(-2i/dim). The ONNX exporter stores them as a table.
torch::Tensor rotary_angles(std::int64_t first_position, std::int64_t length, std::int64_t dim,
                            const torch::Device& device);

// Rotates pairs (x[i], x[i + D/2]) of every head by position-dependent angles
// (the GPT-NeoX arrangement of RoPE). x: [B, H, T, D], its first position
// being `first_position`.
torch::Tensor rotate_positions(const torch::Tensor& x, std::int64_t first_position = 0);

// GPT-2's initialisation: N(0, 0.02) weights, zero biases, and the layers
// that write into the residual stream scaled by 1/sqrt(2 * layers).
void initialize_transformer(torch::nn::Module& net, std::int64_t layers);

// model.layers blocks of model.width with model.heads heads over `context` tokens.
torch::nn::Sequential build_gpt(const ModelSpec& spec, std::int64_t context, std::int64_t vocab_size);

}  // namespace cradle
