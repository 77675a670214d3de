#include "core/models/llama.h"

#include <cmath>

#include "core/common/error.h"
#include "core/models/causal_attention.h"
#include "core/models/rms_norm_rows.h"
#include "core/models/rotary_rows.h"
#include "core/models/threaded_linear.h"
#include "core/train/activation_checkpoint.h"

namespace cradle {
namespace {

LoraLinear hub_linear(std::int64_t in, std::int64_t out, bool bias) { return LoraLinear(in, out, bias); }

// cat(-x[..., d/2:], x[..., :d/2]): dimension i turns with i + d/2.
torch::Tensor rotate_half(const torch::Tensor& x) {
  const auto half = x.size(-1) / 2;
  return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// q or k [B, heads, T, D] turned by their positions; in one pass when evaluating.
torch::Tensor rotate(const torch::Tensor& x, const PositionTables& positions, bool evaluating) {
  if (evaluating && rotary_rows_applies(x, positions.cos, positions.sin))
    return rotary_rows(x, positions.cos, positions.sin);
  return x * positions.cos + rotate_half(x) * positions.sin;
}

// Positions first .. first + length - 1 (first > 0 after a key/value cache's);
// the angles in float32, cos and sin in the model's weight type.
PositionTables position_tables(const torch::Tensor& inverse_frequencies, std::int64_t first, std::int64_t length,
                               torch::Device device, torch::ScalarType type) {
  const auto options = torch::dtype(torch::kFloat32).device(device);
  const auto angles = torch::outer(torch::arange(first, first + length, options), inverse_frequencies.to(device));
  const auto both = torch::cat({angles, angles}, -1);
  return {both.cos().to(type), both.sin().to(type), future_positions(first, length, device)};
}

}  // namespace

RmsNormImpl::RmsNormImpl(std::int64_t size, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({size}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
  if (!is_training() && rms_norm_rows_applies(x, weight)) return rms_norm_rows(x, weight, eps_);  // one pass
  const auto x32 = x.to(torch::kFloat32);
  const auto normed = x32 * torch::rsqrt(x32.pow(2).mean(-1, true) + eps_);
  return weight * normed.to(x.scalar_type());
}

torch::Tensor rotary_inverse_frequencies(const HubModelConfig& config) {
  const auto d = config.head_dim;
  auto inverse = 1.0 / torch::pow(config.rope_theta,
                                  torch::arange(0, d, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(d));
  if (!config.rope_frequency_divisors.empty())
    return inverse / torch::tensor(config.rope_frequency_divisors, torch::kFloat32);
  if (!config.rope_scaling) return inverse;
  // Llama 3: long wavelengths slowed by `factor`, short ones kept, those between blended.
  const auto& s = *config.rope_scaling;
  const double old_context = static_cast<double>(s.original_max_position_embeddings);
  const double low_wavelength = old_context / s.low_freq_factor, high_wavelength = old_context / s.high_freq_factor;
  auto values = inverse.contiguous();
  auto* f = values.data_ptr<float>();
  for (std::int64_t i = 0; i < values.numel(); ++i) {
    const double frequency = f[i];
    const double wavelength = 2 * M_PI / frequency;
    double scaled = frequency;
    if (wavelength > low_wavelength) {
      scaled = frequency / s.factor;
    } else if (wavelength >= high_wavelength) {
      const double smooth = (old_context / wavelength - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      scaled = (1 - smooth) * frequency / s.factor + smooth * frequency;
    }
    f[i] = static_cast<float>(scaled);
  }
  return values;
}

LlamaAttentionImpl::LlamaAttentionImpl(const HubModelConfig& c)
    : heads_(c.num_attention_heads), kv_heads_(c.num_key_value_heads), head_dim_(c.head_dim) {
  const bool qkv_bias = c.attention_bias || c.qkv_bias;
  q_proj = register_module("q_proj", hub_linear(c.hidden_size, heads_ * head_dim_, qkv_bias));
  k_proj = register_module("k_proj", hub_linear(c.hidden_size, kv_heads_ * head_dim_, qkv_bias));
  v_proj = register_module("v_proj", hub_linear(c.hidden_size, kv_heads_ * head_dim_, qkv_bias));
  o_proj = register_module("o_proj", hub_linear(heads_ * head_dim_, c.hidden_size, c.attention_bias));
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const PositionTables& positions, KeyValueCache* cache,
                                          std::size_t layer) {
  const auto batch = x.size(0), length = x.size(1);
  const auto split = [&](const torch::Tensor& t, std::int64_t heads) {
    return t.view({batch, length, heads, head_dim_}).transpose(1, 2);  // [B, heads, T, D]
  };
  auto q = split(q_proj(x), heads_), k = split(k_proj(x), kv_heads_), v = split(v_proj(x), kv_heads_);
  q = rotate(q, positions, !is_training());
  k = rotate(k, positions, !is_training());
  if (cache) std::tie(k, v) = cache->append(layer, k, v);  // the key/value heads only, shared out in the attention
  return o_proj(causal_attention(q, k, v, positions.future, !is_training()));
}

LlamaMlpImpl::LlamaMlpImpl(const HubModelConfig& c) {
  gate_proj = register_module("gate_proj", hub_linear(c.hidden_size, c.intermediate_size, c.mlp_bias));
  up_proj = register_module("up_proj", hub_linear(c.hidden_size, c.intermediate_size, c.mlp_bias));
  down_proj = register_module("down_proj", hub_linear(c.intermediate_size, c.hidden_size, c.mlp_bias));
}

torch::Tensor LlamaMlpImpl::forward(const torch::Tensor& x) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const HubModelConfig& c) {
  input_layernorm = register_module("input_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  self_attn = register_module("self_attn", LlamaAttention(c));
  post_attention_layernorm = register_module("post_attention_layernorm", RmsNorm(c.hidden_size, c.rms_norm_eps));
  mlp = register_module("mlp", LlamaMlp(c));
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor& x, const PositionTables& positions,
                                             KeyValueCache* cache, std::size_t layer) {
  const auto attended = x + self_attn(input_layernorm(x), positions, cache, layer);
  return attended + mlp(post_attention_layernorm(attended));
}

LlamaBodyImpl::LlamaBodyImpl(const HubModelConfig& c) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers = register_module("layers", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(LlamaDecoderLayer(c));
  norm = register_module("norm", RmsNorm(c.hidden_size, c.rms_norm_eps));
}

LlamaForCausalLMImpl::LlamaForCausalLMImpl(const HubModelConfig& config)
    : CausalLanguageModelImpl(config), inverse_frequencies_(rotary_inverse_frequencies(config)) {
  model = register_module("model", LlamaBody(config));
  if (!config.tie_word_embeddings)
    lm_head = register_module(
        "lm_head", torch::nn::Linear(torch::nn::LinearOptions(config.hidden_size, config.vocab_size).bias(false)));
}

torch::Tensor LlamaForCausalLMImpl::run_layers(const torch::Tensor& input_ids, KeyValueCache* cache) {
  const std::int64_t first = cache ? cache->length() : 0;
  check_input(input_ids, first);
  auto x = model->embed_tokens(input_ids);
  const PositionTables positions =
      position_tables(inverse_frequencies_, first, input_ids.size(1), input_ids.device(), x.scalar_type());
  const bool checkpointed = checkpoints_layers(cache);
  for (std::size_t i = 0; i < model->layers->size(); ++i) {
    auto layer = model->layers->ptr<LlamaDecoderLayerImpl>(i);
    if (checkpointed)
      x = run_checkpointed([layer, positions](const torch::Tensor& h) { return layer->forward(h, positions); }, x);
    else
      x = layer->forward(x, positions, cache, i);
  }
  return model->norm(x);
}

torch::Tensor LlamaForCausalLMImpl::output_logits(const torch::Tensor& hidden) {
  // The tied output is the embedding read as a [vocabulary, width] projection.
  const auto& weight = lm_head ? lm_head->weight : model->embed_tokens->weight;
  return threaded_linear(hidden, weight, lm_head ? lm_head->bias : torch::Tensor(), false, !is_training());
}

}  // namespace cradle
