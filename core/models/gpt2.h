#pragma once
// GPT-2 (GPT2LMHeadModel) as the Hub's transformers defines it, with the
// Hub's module names so a checkpoint's tensors load by name:
// transformer.wte (tokens) + transformer.wpe (learned positions); per block
// ln_1 → attn (c_attn: query, key and value in one projection; c_proj) →
// residual → ln_2 → mlp (c_proj(gelu_new(c_fc(x)))) → residual;
// transformer.ln_f; lm_head, tied to wte unless the config says otherwise.
// Its projections are Conv1D: weights stored [in, out], x @ W + b (a
// transposed LoraLinear, core/models/lora_linear.h).
#include <torch/torch.h>

#include "core/models/causal_language_model.h"
#include "core/models/lora_linear.h"

namespace cradle {

class Gpt2AttentionImpl : public torch::nn::Module {
 public:
  explicit Gpt2AttentionImpl(const HubModelConfig& config);
  // `future`: [T, first + T], true where a query would see a later position
  // (first: the positions `cache` already holds; this layer's keys and values join its layer `layer`).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& future, KeyValueCache* cache = nullptr,
                        std::size_t layer = 0);
  LoraLinear c_attn{nullptr}, c_proj{nullptr};

 private:
  std::int64_t heads_, head_dim_;
};
TORCH_MODULE(Gpt2Attention);

class Gpt2MlpImpl : public torch::nn::Module {
 public:
  explicit Gpt2MlpImpl(const HubModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x);
  LoraLinear c_fc{nullptr}, c_proj{nullptr};

 private:
  bool tanh_approximation_;  // gelu_new; false: the exact (erf) GELU
};
TORCH_MODULE(Gpt2Mlp);

class Gpt2BlockImpl : public torch::nn::Module {
 public:
  explicit Gpt2BlockImpl(const HubModelConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& future, KeyValueCache* cache = nullptr,
                        std::size_t layer = 0);
  torch::nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
  Gpt2Attention attn{nullptr};
  Gpt2Mlp mlp{nullptr};
};
TORCH_MODULE(Gpt2Block);

// "transformer": the two embeddings, the blocks and the final norm.
class Gpt2BodyImpl : public torch::nn::Module {
 public:
  explicit Gpt2BodyImpl(const HubModelConfig& config);
  torch::nn::Embedding wte{nullptr}, wpe{nullptr};
  torch::nn::ModuleList h{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};
};
TORCH_MODULE(Gpt2Body);

class Gpt2LMHeadModelImpl : public CausalLanguageModelImpl {
 public:
  explicit Gpt2LMHeadModelImpl(const HubModelConfig& config);

  Gpt2Body transformer{nullptr};
  torch::nn::Linear lm_head{nullptr};  // absent when tied to wte

 protected:
  torch::Tensor run_layers(const torch::Tensor& input_ids, KeyValueCache* cache) override;
  torch::Tensor output_logits(const torch::Tensor& hidden) override;
};
TORCH_MODULE(Gpt2LMHeadModel);

}  // namespace cradle
