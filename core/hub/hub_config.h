#pragma once
// A Hugging Face Hub model folder's config.json: the architecture and the
// sizes that shape its tensors. Read for the decoder-only families Cradle
// builds: LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM, which
// share one module tree (core/models/llama.h: model.embed_tokens,
// model.layers.N.{self_attn,mlp}, model.norm, lm_head) and differ in biases
// and defaults, and GPT2LMHeadModel (core/models/gpt2.h), whose keys
// (n_embd, n_layer, ...) are read into the same fields. Anything else is
// refused naming the `architectures` value and what is supported. No
// LibTorch here.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

enum class HubArchitecture { Llama, Mistral, Qwen2, Gpt2 };
std::string to_string(HubArchitecture architecture);  // "LlamaForCausalLM", ...

// Llama 3's frequency-dependent stretch of the rotary positions
// (rope_scaling.rope_type "llama3"); other rope scaling types are refused.
struct Llama3RopeScaling {
  double factor = 8.0;
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  std::int64_t original_max_position_embeddings = 8192;
};

struct HubModelConfig {
  HubArchitecture architecture = HubArchitecture::Llama;
  std::string model_type;  // config.json's "model_type": "llama", "mistral", "qwen2"
  std::int64_t vocab_size = 0;
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;
  std::int64_t num_hidden_layers = 0;
  std::int64_t num_attention_heads = 0;
  std::int64_t num_key_value_heads = 0;      // grouped-query attention: heads share key/value heads
  std::int64_t head_dim = 0;                 // config.head_dim, or hidden_size / num_attention_heads
  std::int64_t max_position_embeddings = 0;  // GPT-2: n_positions, the rows of its learned position table
  double rms_norm_eps = 1e-6;                // the Llama family's RMSNorm
  double layer_norm_epsilon = 1e-5;          // GPT-2's LayerNorm
  std::string activation = "silu";           // the MLP's: silu (Llama family); gelu_new or gelu (GPT-2)
  double rope_theta = 10000.0;               // the Llama family's rotary positions
  std::optional<Llama3RopeScaling> rope_scaling;
  // What each rotary frequency is divided by, as a GGUF file stores Llama 3's
  // scaling (its rope_freqs.weight tensor, core/hub/gguf_hub_config.h); empty
  // for a config.json, which says it by rope_scaling.
  std::vector<float> rope_frequency_divisors;
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // biases on q, k, v and o (Llama's attention_bias)
  bool qkv_bias = false;        // biases on q, k and v only (Qwen2)
  bool mlp_bias = false;
  std::string torch_dtype;  // as stored: "float32", "float16", "bfloat16" (informational)
  std::optional<std::int64_t> bos_token_id;
  std::vector<std::int64_t> eos_token_ids;  // one, or several (Llama 3 ends at any of three)

  std::int64_t parameters() const;  // the count the tensors must add up to
};

// ConfigError naming `origin` and the field: a missing size, an architecture
// or activation Cradle does not build, a rope scaling type it does not know,
// sliding-window attention shorter than the context.
HubModelConfig parse_hub_config(const Json& config, const std::string& origin);
HubModelConfig parse_hub_config_text(const std::string& text, const std::string& origin);
// A token id or a list of them (eos_token_id may be either); ConfigError naming `key`.
std::vector<std::int64_t> read_token_ids(const Json& value, const std::string& key);

// <folder>/config.json; IoError when it is missing.
HubModelConfig load_hub_config(const std::filesystem::path& folder);

}  // namespace cradle
