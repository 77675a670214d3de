#include "core/models/gpt2.h"

#include <cmath>

#include "core/models/causal_attention.h"
#include "core/models/threaded_linear.h"
#include "core/train/activation_checkpoint.h"

namespace cradle {
namespace {

torch::nn::LayerNorm gpt2_layer_norm(const HubModelConfig& c) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_epsilon));
}

// transformers' Conv1D: the weight stored [in, out].
LoraLinear gpt2_conv1d(std::int64_t in, std::int64_t out) { return LoraLinear(in, out, true, true); }

}  // namespace

Gpt2AttentionImpl::Gpt2AttentionImpl(const HubModelConfig& c) : heads_(c.num_attention_heads), head_dim_(c.head_dim) {
  c_attn = register_module("c_attn", gpt2_conv1d(c.hidden_size, 3 * c.hidden_size));
  c_proj = register_module("c_proj", gpt2_conv1d(c.hidden_size, c.hidden_size));
}

torch::Tensor Gpt2AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& future, KeyValueCache* cache,
                                         std::size_t layer) {
  const auto batch = x.size(0), length = x.size(1), width = heads_ * head_dim_;
  const auto qkv = c_attn(x).split(width, -1);
  const auto heads = [&](const torch::Tensor& t) {
    return t.view({batch, length, heads_, head_dim_}).transpose(1, 2);  // [B, heads, T, D]
  };
  const auto q = heads(qkv[0]);
  auto k = heads(qkv[1]), v = heads(qkv[2]);
  if (cache) std::tie(k, v) = cache->append(layer, k, v);
  return c_proj(causal_attention(q, k, v, future, !is_training()));
}

Gpt2MlpImpl::Gpt2MlpImpl(const HubModelConfig& c) : tanh_approximation_(c.activation == "gelu_new") {
  c_fc = register_module("c_fc", gpt2_conv1d(c.hidden_size, c.intermediate_size));
  c_proj = register_module("c_proj", gpt2_conv1d(c.intermediate_size, c.hidden_size));
}

torch::Tensor Gpt2MlpImpl::forward(const torch::Tensor& x) {
  // gelu_new is 0.5x(1 + tanh(sqrt(2/π)(x + 0.044715x³))), LibTorch's tanh approximation.
  return c_proj(torch::gelu(c_fc(x), tanh_approximation_ ? "tanh" : "none"));
}

Gpt2BlockImpl::Gpt2BlockImpl(const HubModelConfig& c) {
  ln_1 = register_module("ln_1", gpt2_layer_norm(c));
  attn = register_module("attn", Gpt2Attention(c));
  ln_2 = register_module("ln_2", gpt2_layer_norm(c));
  mlp = register_module("mlp", Gpt2Mlp(c));
}

torch::Tensor Gpt2BlockImpl::forward(const torch::Tensor& x, const torch::Tensor& future, KeyValueCache* cache,
                                     std::size_t layer) {
  const auto attended = x + attn(ln_1(x), future, cache, layer);
  return attended + mlp(ln_2(attended));
}

Gpt2BodyImpl::Gpt2BodyImpl(const HubModelConfig& c) {
  wte = register_module("wte", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  wpe = register_module("wpe", torch::nn::Embedding(c.max_position_embeddings, c.hidden_size));
  h = register_module("h", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.num_hidden_layers; ++i) h->push_back(Gpt2Block(c));
  ln_f = register_module("ln_f", gpt2_layer_norm(c));
}

Gpt2LMHeadModelImpl::Gpt2LMHeadModelImpl(const HubModelConfig& config) : CausalLanguageModelImpl(config) {
  transformer = register_module("transformer", Gpt2Body(config));
  if (!config.tie_word_embeddings)
    lm_head = register_module(
        "lm_head", torch::nn::Linear(torch::nn::LinearOptions(config.hidden_size, config.vocab_size).bias(false)));
}

torch::Tensor Gpt2LMHeadModelImpl::run_layers(const torch::Tensor& input_ids, KeyValueCache* cache) {
  const std::int64_t first = cache ? cache->length() : 0, length = input_ids.size(1);
  check_input(input_ids, first);
  const auto device = input_ids.device();
  const auto future = future_positions(first, length, device);
  auto x = transformer->wte(input_ids) +
           transformer->wpe(torch::arange(first, first + length, torch::dtype(torch::kLong).device(device)));
  const bool checkpointed = checkpoints_layers(cache);
  for (std::size_t i = 0; i < transformer->h->size(); ++i) {
    auto block = transformer->h->ptr<Gpt2BlockImpl>(i);
    if (checkpointed)
      x = run_checkpointed([block, future](const torch::Tensor& h) { return block->forward(h, future); }, x);
    else
      x = block->forward(x, future, cache, i);
  }
  return transformer->ln_f(x);
}

torch::Tensor Gpt2LMHeadModelImpl::output_logits(const torch::Tensor& hidden) {
  const auto& weight = lm_head ? lm_head->weight : transformer->wte->weight;
  return threaded_linear(hidden, weight, lm_head ? lm_head->bias : torch::Tensor(), false, !is_training());
}

}  // namespace cradle
