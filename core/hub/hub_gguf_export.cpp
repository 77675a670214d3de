#include "core/hub/hub_gguf_export.h"

#include <torch/torch.h>

#include <optional>
#include <utility>

#include "core/common/error.h"
#include "core/export/gguf_writer.h"
#include "core/hub/gguf_vocabulary.h"
#include "core/hub/hub_end_tokens.h"
#include "core/models/llama.h"

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

std::string ggml_name(const TensorNaming& naming, const std::string& hub_name) {
  for (const auto& [from, to] : naming.whole)
    if (hub_name == from) return to;
  if (hub_name.rfind(naming.layer_prefix, 0) == 0) {
    const auto rest = hub_name.substr(naming.layer_prefix.size());
    const auto dot = rest.find('.');
    const auto layer = rest.substr(0, dot), inner = dot == std::string::npos ? "" : rest.substr(dot + 1);
    for (const auto& [from, to] : naming.in_layer)
      if (inner == from) return "blk." + layer + "." + to;
  }
  throw ConfigError("GGUF export: tensor " + hub_name + " has no ggml name");
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The tensor as llama.cpp expects it under that name.
torch::Tensor ggml_layout(const HubModelConfig& c, const std::string& hub_name, torch::Tensor values) {
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
    case HubArchitecture::Gpt2:
      return values.dim() == 2 && !ends_with(hub_name, "wte.weight") && !ends_with(hub_name, "wpe.weight") &&
                     !ends_with(hub_name, "lm_head.weight")
                 ? values.t().contiguous()  // Conv1D keeps [in, out]
                 : values;
  }
  return values;
}

std::string architecture_name(HubArchitecture architecture) {
  switch (architecture) {
    case HubArchitecture::Llama:
    case HubArchitecture::Mistral: return "llama";
    case HubArchitecture::Qwen2: return "qwen2";
    case HubArchitecture::Gpt2: return "gpt2";
  }
  return "";
}

std::uint32_t file_type(GgmlType type) {  // llama_ftype: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q8_0 7
  switch (type) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return 1;
    case GgmlType::Q8_0: return 7;
  }
  return 0;
}

void add_architecture_keys(GgufWriter& w, const HubModelConfig& c, const std::string& arch) {
  const auto u32 = [&](const std::string& key, std::int64_t v) {
    w.set(arch + "." + key, GgufValue::u32(static_cast<std::uint32_t>(v)));
  };
  u32("context_length", c.max_position_embeddings);
  u32("embedding_length", c.hidden_size);
  u32("block_count", c.num_hidden_layers);
  u32("feed_forward_length", c.intermediate_size);
  u32("attention.head_count", c.num_attention_heads);
  u32("vocab_size", c.vocab_size);
  if (c.architecture == HubArchitecture::Gpt2) {
    w.set(arch + ".attention.layer_norm_epsilon", GgufValue::f32(static_cast<float>(c.layer_norm_epsilon)));
    return;
  }
  u32("attention.head_count_kv", c.num_key_value_heads);
  u32("rope.dimension_count", c.head_dim);
  if (c.head_dim * c.num_attention_heads != c.hidden_size) {
    u32("attention.key_length", c.head_dim);
    u32("attention.value_length", c.head_dim);
  }
  w.set(arch + ".attention.layer_norm_rms_epsilon", GgufValue::f32(static_cast<float>(c.rms_norm_eps)));
  w.set(arch + ".rope.freq_base", GgufValue::f32(static_cast<float>(c.rope_theta)));
}

// Llama 3's rope scaling as llama.cpp reads it: per frequency, what ggml divides it by.
torch::Tensor llama3_rope_factors(const HubModelConfig& c) {
  HubModelConfig unscaled = c;
  unscaled.rope_scaling.reset();
  return rotary_inverse_frequencies(unscaled) / rotary_inverse_frequencies(c);
}

}  // namespace

torch::Tensor permute_for_ggml_rope(const torch::Tensor& weight, std::int64_t heads) {
  auto shape = weight.sizes().vec();
  std::vector<std::int64_t> split = {heads, 2, weight.size(0) / heads / 2};
  split.insert(split.end(), shape.begin() + 1, shape.end());
  return weight.reshape(split).transpose(1, 2).reshape(shape).contiguous();
}

GgufExportSummary export_hub_gguf(const HubModel& hub, const HubTokenizer& tokenizer, const GgufExportOptions& options,
                                  const std::filesystem::path& out) {
  const HubModelConfig& c = hub.config;
  check_tokenizer_fits(tokenizer, c.vocab_size, hub.folder);
  GgufExportSummary summary;
  summary.architecture = architecture_name(c.architecture);
  GgufWriter writer;
  writer.set("general.architecture", GgufValue::string(summary.architecture));
  writer.set("general.name", GgufValue::string(options.name.empty() ? hub.folder.filename().string() : options.name));
  writer.set("general.file_type", GgufValue::u32(file_type(options.type)));
  writer.set("general.quantization_version", GgufValue::u32(2));
  add_architecture_keys(writer, c, summary.architecture);
  add_gguf_vocabulary(writer, tokenizer, c.vocab_size);

  const TensorNaming& naming = c.architecture == HubArchitecture::Gpt2 ? gpt2_naming() : llama_naming();
  const auto add = [&](const std::string& name, torch::Tensor values) {
    GgmlType type = options.type;
    if (values.dim() == 1 || !ggml_type_fits(type, values.size(-1)))
      type = values.dim() == 1 ? GgmlType::F32 : GgmlType::F16;
    summary.parameters += values.numel();
    ++summary.tensors;
    ++summary.tensors_by_type[to_string(type)];
    writer.add_tensor(name, std::move(values), type);
  };
  torch::NoGradGuard no_grad;
  if (c.rope_scaling) add("rope_freqs.weight", llama3_rope_factors(c));
  for (const auto& item : hub.model->named_parameters()) {
    const std::string name = ggml_name(naming, item.key());
    add(name, ggml_layout(c, item.key(), item.value().detach()));
    // llama.cpp's converter gives GPT-2 an output matrix even when it is the embedding's.
    if (c.architecture == HubArchitecture::Gpt2 && c.tie_word_embeddings && name == "token_embd.weight")
      add("output.weight", item.value().detach());
  }
  writer.write(out);
  summary.tensor_bytes = writer.tensor_bytes();
  for (const auto id : hub_end_of_text_ids(hub.folder, c, tokenizer))
    summary.end_tokens.push_back(tokenizer.token_text(id));
  return summary;
}

std::string ollama_modelfile(const std::filesystem::path& gguf_file, const GgufExportSummary& summary) {
  std::string text = "# Ollama: ollama create NAME -f " + gguf_file.stem().string() +
                     ".Modelfile (the chat template comes from the GGUF file's tokenizer.chat_template)\n";
  text += "FROM ./" + gguf_file.filename().string() + "\n";
  for (const auto& token : summary.end_tokens) text += "PARAMETER stop " + nlohmann::json(token).dump() + "\n";
  return text;
}

}  // namespace cradle
