#pragma once
// The Llama family's decoder (Llama 2 and 3, Mistral, Qwen2), as the Hub's
// transformers defines it, with the Hub's module names so a checkpoint's
// tensors load by name: model.embed_tokens; per layer input_layernorm →
// self_attn (q/k/v/o_proj, rotary positions in the rotate-half layout,
// grouped-query attention, causal) → residual → post_attention_layernorm →
// mlp (down(silu(gate(x)) * up(x))) → residual; model.norm; lm_head (or the
// embedding's matrix when tied). RMSNorm and the softmax run in float32. The
// projections can carry LoRA adapters (core/models/lora_linear.h).
#include <torch/torch.h>

#include "core/models/causal_language_model.h"
#include "core/models/lora_linear.h"

namespace cradle {

// x * rsqrt(mean(x²) + eps) * weight, computed in float32.
class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(std::int64_t size, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RmsNorm);

// What every layer needs about the positions of a forward pass, computed once
// for all of them: cos and sin of each position's rotation angles, [T,
// head_dim] (the frequencies repeated for the two halves), and the causal
// mask, [T, first + T], true where a query would see a later position (first:
// the positions a key/value cache already holds).
struct PositionTables {
  torch::Tensor cos, sin, future;
};

class LlamaAttentionImpl : public torch::nn::Module {
 public:
  explicit LlamaAttentionImpl(const HubModelConfig& config);
  // With a cache, this layer's keys and values join cache's layer `layer`.
  torch::Tensor forward(const torch::Tensor& x, const PositionTables& positions, KeyValueCache* cache = nullptr,
                        std::size_t layer = 0);
  LoraLinear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

 private:
  std::int64_t heads_, kv_heads_, head_dim_;
};
TORCH_MODULE(LlamaAttention);

class LlamaMlpImpl : public torch::nn::Module {
 public:
  explicit LlamaMlpImpl(const HubModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x);
  LoraLinear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(LlamaMlp);

class LlamaDecoderLayerImpl : public torch::nn::Module {
 public:
  explicit LlamaDecoderLayerImpl(const HubModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const PositionTables& positions, KeyValueCache* cache = nullptr,
                        std::size_t layer = 0);
  RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  LlamaAttention self_attn{nullptr};
  LlamaMlp mlp{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

// "model": the embedding, the layers and the final norm.
class LlamaBodyImpl : public torch::nn::Module {
 public:
  explicit LlamaBodyImpl(const HubModelConfig& config);
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RmsNorm norm{nullptr};
};
TORCH_MODULE(LlamaBody);

class LlamaForCausalLMImpl : public CausalLanguageModelImpl {
 public:
  explicit LlamaForCausalLMImpl(const HubModelConfig& config);

  LlamaBody model{nullptr};
  torch::nn::Linear lm_head{nullptr};  // absent when tied to the embedding

 protected:
  torch::Tensor run_layers(const torch::Tensor& input_ids, KeyValueCache* cache) override;
  torch::Tensor output_logits(const torch::Tensor& hidden) override;

 private:
  torch::Tensor inverse_frequencies_;  // [head_dim / 2], float32
};
TORCH_MODULE(LlamaForCausalLM);

// The rotary inverse frequencies 1 / theta^(2i/d), stretched by Llama 3's
// rope_scaling where the config has it.
torch::Tensor rotary_inverse_frequencies(const HubModelConfig& config);

}  // namespace cradle
