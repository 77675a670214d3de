#include "core/hub/gguf_tensor_names.h"

#include <torch/torch.h>

#include <utility>
#include <vector>

#include "core/common/error.h"

namespace cradle {
namespace {

using NamePair = std::pair<const char*, const char*>;

// Hub module names → ggml's, per architecture: the tensors outside the layers,
// the prefix of layer N's tensors, and the names within a layer.
struct TensorNaming {
  std::vector<NamePair> whole;
  std::string layer_prefix;
  std::vector<NamePair> in_layer;
};

const TensorNaming& llama_naming() {
  static const TensorNaming naming{{{"model.embed_tokens.weight", "token_embd.weight"},
                                    {"model.norm.weight", "output_norm.weight"},
                                    {"lm_head.weight", "output.weight"}},
                                   "model.layers.",
                                   {{"input_layernorm.weight", "attn_norm.weight"},
                                    {"self_attn.q_proj.weight", "attn_q.weight"},
                                    {"self_attn.q_proj.bias", "attn_q.bias"},
                                    {"self_attn.k_proj.weight", "attn_k.weight"},
                                    {"self_attn.k_proj.bias", "attn_k.bias"},
                                    {"self_attn.v_proj.weight", "attn_v.weight"},
                                    {"self_attn.v_proj.bias", "attn_v.bias"},
                                    {"self_attn.o_proj.weight", "attn_output.weight"},
                                    {"self_attn.o_proj.bias", "attn_output.bias"},
                                    {"post_attention_layernorm.weight", "ffn_norm.weight"},
                                    {"mlp.gate_proj.weight", "ffn_gate.weight"},
                                    {"mlp.gate_proj.bias", "ffn_gate.bias"},
                                    {"mlp.up_proj.weight", "ffn_up.weight"},
                                    {"mlp.up_proj.bias", "ffn_up.bias"},
                                    {"mlp.down_proj.weight", "ffn_down.weight"},
                                    {"mlp.down_proj.bias", "ffn_down.bias"}}};
  return naming;
}

const TensorNaming& gpt2_naming() {
  static const TensorNaming naming{{{"transformer.wte.weight", "token_embd.weight"},
                                    {"transformer.wpe.weight", "position_embd.weight"},
                                    {"transformer.ln_f.weight", "output_norm.weight"},
                                    {"transformer.ln_f.bias", "output_norm.bias"},
                                    {"lm_head.weight", "output.weight"}},
                                   "transformer.h.",
                                   {{"ln_1.weight", "attn_norm.weight"},
                                    {"ln_1.bias", "attn_norm.bias"},
                                    {"attn.c_attn.weight", "attn_qkv.weight"},
                                    {"attn.c_attn.bias", "attn_qkv.bias"},
                                    {"attn.c_proj.weight", "attn_output.weight"},
                                    {"attn.c_proj.bias", "attn_output.bias"},
                                    {"ln_2.weight", "ffn_norm.weight"},
                                    {"ln_2.bias", "ffn_norm.bias"},
                                    {"mlp.c_fc.weight", "ffn_up.weight"},
                                    {"mlp.c_fc.bias", "ffn_up.bias"},
                                    {"mlp.c_proj.weight", "ffn_down.weight"},
                                    {"mlp.c_proj.bias", "ffn_down.bias"}}};
  return naming;
}

bool name_ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// GPT-2's Conv1D weights keep [in, out]; ggml's matrices are [out, in].
bool conv1d_weight(const std::string& hub_name, std::size_t dimensions) {
  return dimensions == 2 && !name_ends_with(hub_name, "wte.weight") && !name_ends_with(hub_name, "wpe.weight") &&
         !name_ends_with(hub_name, "lm_head.weight");
}
bool transposed_for_ggml(const std::string& hub_name, const torch::Tensor& values) {
  return conv1d_weight(hub_name, static_cast<std::size_t>(values.dim()));
}

}  // namespace

std::string ggml_tensor_name(HubArchitecture architecture, const std::string& hub_name) {
  const TensorNaming& naming = architecture == HubArchitecture::Gpt2 ? gpt2_naming() : llama_naming();
  for (const auto& [from, to] : naming.whole)
    if (hub_name == from) return to;
  if (hub_name.rfind(naming.layer_prefix, 0) == 0) {
    const auto rest = hub_name.substr(naming.layer_prefix.size());
    const auto dot = rest.find('.');
    const auto layer = rest.substr(0, dot), inner = dot == std::string::npos ? "" : rest.substr(dot + 1);
    for (const auto& [from, to] : naming.in_layer)
      if (inner == from) return "blk." + layer + "." + to;
  }
  throw ConfigError("GGUF: tensor " + hub_name + " has no ggml name");
}

// The tensor as llama.cpp expects it under that name.
torch::Tensor to_ggml_layout(const HubModelConfig& c, const std::string& hub_name, torch::Tensor values) {
  switch (c.architecture) {
    case HubArchitecture::Llama:
    case HubArchitecture::Mistral:
      if (hub_name.find("self_attn.q_proj.") != std::string::npos)
        return permute_for_ggml_rope(values, c.num_attention_heads);
      if (hub_name.find("self_attn.k_proj.") != std::string::npos)
        return permute_for_ggml_rope(values, c.num_key_value_heads);
      return values;
    case HubArchitecture::Qwen2:
      return values;  // llama.cpp runs qwen2's rotary positions in the Hub's rotate-half layout
    case HubArchitecture::Gpt2: return transposed_for_ggml(hub_name, values) ? values.t().contiguous() : values;
  }
  return values;
}

torch::Tensor from_ggml_layout(const HubModelConfig& c, const std::string& hub_name, torch::Tensor values) {
  switch (c.architecture) {
    case HubArchitecture::Llama:
    case HubArchitecture::Mistral:
      if (hub_name.find("self_attn.q_proj.") != std::string::npos)
        return unpermute_from_ggml_rope(values, c.num_attention_heads);
      if (hub_name.find("self_attn.k_proj.") != std::string::npos)
        return unpermute_from_ggml_rope(values, c.num_key_value_heads);
      return values;
    case HubArchitecture::Qwen2: return values;
    case HubArchitecture::Gpt2: return transposed_for_ggml(hub_name, values) ? values.t().contiguous() : values;
  }
  return values;
}

std::vector<std::int64_t> ggml_layout_shape(HubArchitecture architecture, const std::string& hub_name,
                                            std::vector<std::int64_t> shape) {
  if (architecture == HubArchitecture::Gpt2 && conv1d_weight(hub_name, shape.size())) std::swap(shape[0], shape[1]);
  return shape;  // the q/k row permutation keeps the shape
}

torch::Tensor permute_for_ggml_rope(const torch::Tensor& weight, std::int64_t heads) {
  auto shape = weight.sizes().vec();
  std::vector<std::int64_t> split = {heads, 2, weight.size(0) / heads / 2};
  split.insert(split.end(), shape.begin() + 1, shape.end());
  return weight.reshape(split).transpose(1, 2).reshape(shape).contiguous();
}

torch::Tensor unpermute_from_ggml_rope(const torch::Tensor& weight, std::int64_t heads) {
  auto shape = weight.sizes().vec();
  std::vector<std::int64_t> split = {heads, weight.size(0) / heads / 2, 2};
  split.insert(split.end(), shape.begin() + 1, shape.end());
  return weight.reshape(split).transpose(1, 2).reshape(shape).contiguous();
}

}  // namespace cradle
