#include "core/hub/hub_config.h"

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

const char* const kSupported = "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM and GPT2LMHeadModel";

std::optional<HubArchitecture> parse_architecture(const std::string& name) {
  if (name == "LlamaForCausalLM") return HubArchitecture::Llama;
  if (name == "MistralForCausalLM") return HubArchitecture::Mistral;
  if (name == "Qwen2ForCausalLM") return HubArchitecture::Qwen2;
  if (name == "GPT2LMHeadModel") return HubArchitecture::Gpt2;
  return std::nullopt;
}

std::optional<std::int64_t> optional_id(JsonObjectReader& r, const char* key) {
  const Json* value = r.raw(key);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_array() && !value->empty()) value = &value->front();
  if (!value->is_number_integer()) r.fail(key, "expected a token id");
  return value->get<std::int64_t>();
}

std::vector<std::int64_t> token_ids(JsonObjectReader& r, const char* key) {
  const Json* value = r.raw(key);
  if (!value) return {};
  try {
    return read_token_ids(*value, key);
  } catch (const ConfigError&) {
    r.fail(key, "expected a token id or a list of them");
  }
}

std::optional<Llama3RopeScaling> parse_rope_scaling(JsonObjectReader& r) {
  const Json* raw = r.raw("rope_scaling");
  if (!raw || raw->is_null()) return std::nullopt;
  JsonObjectReader s = r.object("rope_scaling");
  const std::string type = s.has("rope_type") ? s.string("rope_type", "") : s.string("type", "");
  if (type == "default") return std::nullopt;
  if (type != "llama3")
    r.fail("rope_scaling",
           "rope scaling type \"" + type + "\" is not built; Cradle reads \"llama3\", \"default\" and none");
  Llama3RopeScaling scaling;
  scaling.factor = s.number("factor", scaling.factor, Range::greater_than(0));
  scaling.low_freq_factor = s.number("low_freq_factor", scaling.low_freq_factor, Range::greater_than(0));
  scaling.high_freq_factor = s.number("high_freq_factor", scaling.high_freq_factor, Range::greater_than(0));
  scaling.original_max_position_embeddings =
      s.integer("original_max_position_embeddings", scaling.original_max_position_embeddings, Range::at_least(1));
  if (scaling.high_freq_factor <= scaling.low_freq_factor)
    r.fail("rope_scaling", "high_freq_factor must be above low_freq_factor");
  return scaling;
}

// GPT-2's keys (GPT2Config), into the shared fields: one head width, as
// many key/value heads as heads, an MLP of n_inner or 4 * n_embd.
void read_gpt2_config(JsonObjectReader& r, HubModelConfig& c) {
  for (const char* key : {"vocab_size", "n_embd", "n_layer", "n_head"})
    if (!r.has(key)) r.fail(key, "required");
  c.vocab_size = r.integer("vocab_size", 0, Range::between(1, 1e7));
  c.hidden_size = r.integer("n_embd", 0, Range::between(1, 1e6));
  c.num_hidden_layers = r.integer("n_layer", 0, Range::between(1, 1000));
  c.num_attention_heads = r.integer("n_head", 0, Range::between(1, 1e4));
  c.num_key_value_heads = c.num_attention_heads;
  if (c.hidden_size % c.num_attention_heads != 0)
    r.fail("n_embd", "does not divide into " + std::to_string(c.num_attention_heads) + " heads");
  c.head_dim = c.hidden_size / c.num_attention_heads;
  const Json* inner = r.raw("n_inner");
  c.intermediate_size =
      inner && !inner->is_null() ? r.integer("n_inner", 0, Range::between(1, 1e7)) : 4 * c.hidden_size;
  c.max_position_embeddings =
      r.integer("n_positions", r.integer("n_ctx", 1024, Range::between(1, 1e7)), Range::between(1, 1e7));
  c.layer_norm_epsilon = r.number("layer_norm_epsilon", 1e-5, Range::greater_than(0));
  c.activation = r.string("activation_function", "gelu_new");
  if (c.activation == "gelu_pytorch_tanh") c.activation = "gelu_new";  // the same tanh approximation
  if (c.activation != "gelu_new" && c.activation != "gelu")
    r.fail("activation_function", "\"" + c.activation + "\" is not built; GPT-2's MLP reads gelu_new and gelu");
  if (!r.boolean("scale_attn_weights", true)) r.fail("scale_attn_weights", "unscaled attention is not built");
  if (r.boolean("scale_attn_by_inverse_layer_idx", false))
    r.fail("scale_attn_by_inverse_layer_idx", "attention scaled by the layer's index is not built");
  (void)r.boolean("reorder_and_upcast_attn", false);  // Cradle's attention softmax already runs in float32
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", true);
}

// The Llama family's keys (LlamaConfig, MistralConfig, Qwen2Config).
void read_llama_family_config(JsonObjectReader& r, HubModelConfig& c) {
  // Far above any published model, and low enough that parameters() cannot overflow.
  const Range positive = Range::between(1, 1e9);
  c.vocab_size = r.integer("vocab_size", 0, Range::between(1, 1e7));
  c.hidden_size = r.integer("hidden_size", 0, Range::between(1, 1e6));
  c.intermediate_size = r.integer("intermediate_size", 0, Range::between(1, 1e7));
  c.num_hidden_layers = r.integer("num_hidden_layers", 0, Range::between(1, 1000));
  c.num_attention_heads = r.integer("num_attention_heads", 0, Range::between(1, 1e4));
  for (const char* key : {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads"})
    if (!r.has(key)) r.fail(key, "required");
  const Json* kv = r.raw("num_key_value_heads");
  c.num_key_value_heads = kv && !kv->is_null() ? r.integer("num_key_value_heads", 0, positive) : c.num_attention_heads;
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    r.fail("num_key_value_heads", std::to_string(c.num_attention_heads) + " attention heads do not divide into " +
                                      std::to_string(c.num_key_value_heads) + " key/value heads");
  const Json* head_dim = r.raw("head_dim");
  if (head_dim && !head_dim->is_null()) {
    c.head_dim = r.integer("head_dim", 0, Range::between(1, 1e5));
  } else {
    if (c.hidden_size % c.num_attention_heads != 0)
      r.fail("hidden_size", "does not divide into " + std::to_string(c.num_attention_heads) + " heads");
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (c.head_dim % 2 != 0)
    r.fail("head_dim", "rotary positions need an even head width, got " + std::to_string(c.head_dim));
  c.max_position_embeddings = r.integer("max_position_embeddings", 2048, positive);
  c.rms_norm_eps = r.number("rms_norm_eps", 1e-6, Range::greater_than(0));
  c.rope_theta = r.number("rope_theta", 10000.0, Range::greater_than(0));
  c.rope_scaling = parse_rope_scaling(r);
  const std::string activation = r.string("hidden_act", "silu");
  if (activation != "silu")
    r.fail("hidden_act", "\"" + activation + "\" is not built; the Llama family's MLP uses silu");
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", false);
  c.attention_bias = c.architecture == HubArchitecture::Llama && r.boolean("attention_bias", false);
  c.qkv_bias = c.architecture == HubArchitecture::Qwen2;
  c.mlp_bias = c.architecture == HubArchitecture::Llama && r.boolean("mlp_bias", false);
  // Sliding-window attention: the same as full attention while the context fits the window.
  const bool sliding = c.architecture == HubArchitecture::Mistral ||
                       (c.architecture == HubArchitecture::Qwen2 && r.boolean("use_sliding_window", false));
  const Json* window = r.raw("sliding_window");
  if (sliding && window && !window->is_null()) {
    const std::int64_t size = r.integer("sliding_window", 0, positive);
    if (size < c.max_position_embeddings) c.max_position_embeddings = size;  // the context that stays exact
  }
}

HubModelConfig read_config(JsonObjectReader& r) {
  HubModelConfig c;
  const auto architectures = r.strings("architectures", {});
  if (architectures.size() != 1) r.fail("architectures", "expected one architecture (" + std::string(kSupported) + ")");
  const auto architecture = parse_architecture(architectures.front());
  if (!architecture)
    r.fail("architectures",
           "\"" + architectures.front() + "\" is not an architecture Cradle builds; it reads " + kSupported);
  c.architecture = *architecture;
  c.model_type = r.string("model_type", "");
  c.torch_dtype = r.string("torch_dtype", "");
  c.bos_token_id = optional_id(r, "bos_token_id");
  c.eos_token_ids = token_ids(r, "eos_token_id");
  if (c.architecture == HubArchitecture::Gpt2)
    read_gpt2_config(r, c);
  else
    read_llama_family_config(r, c);
  return c;
}

}  // namespace

std::string to_string(HubArchitecture architecture) {
  switch (architecture) {
    case HubArchitecture::Llama: return "LlamaForCausalLM";
    case HubArchitecture::Mistral: return "MistralForCausalLM";
    case HubArchitecture::Qwen2: return "Qwen2ForCausalLM";
    case HubArchitecture::Gpt2: return "GPT2LMHeadModel";
  }
  return "unknown";
}

std::int64_t HubModelConfig::parameters() const {
  const std::int64_t embedding = vocab_size * hidden_size;
  const std::int64_t output = tie_word_embeddings ? 0 : embedding;
  if (architecture == HubArchitecture::Gpt2) {  // every projection and norm has a bias
    const std::int64_t attention =
        hidden_size * 3 * hidden_size + 3 * hidden_size + hidden_size * hidden_size + hidden_size;
    const std::int64_t mlp = 2 * hidden_size * intermediate_size + intermediate_size + hidden_size;
    const std::int64_t layer = attention + mlp + 4 * hidden_size;
    return embedding + max_position_embeddings * hidden_size + num_hidden_layers * layer + 2 * hidden_size + output;
  }
  const std::int64_t q = num_attention_heads * head_dim, kv = num_key_value_heads * head_dim;
  std::int64_t attention = hidden_size * q + 2 * hidden_size * kv + q * hidden_size;
  if (attention_bias) attention += q + 2 * kv + hidden_size;
  if (qkv_bias) attention += q + 2 * kv;
  std::int64_t mlp = 3 * hidden_size * intermediate_size;
  if (mlp_bias) mlp += 2 * intermediate_size + hidden_size;
  const std::int64_t layer = attention + mlp + 2 * hidden_size;
  return embedding + num_hidden_layers * layer + hidden_size + output;
}

std::vector<std::int64_t> read_token_ids(const Json& value, const std::string& key) {
  if (value.is_null()) return {};
  const auto id = [&](const Json& item) {
    if (!item.is_number_integer() || item.get<std::int64_t>() < 0 || item.get<std::int64_t>() >= (1LL << 40))
      throw ConfigError(key + ": expected a token id or a list of them, found " + item.dump());
    return item.get<std::int64_t>();
  };
  if (!value.is_array()) return {id(value)};
  std::vector<std::int64_t> ids;
  for (const auto& item : value) ids.push_back(id(item));
  return ids;
}

HubModelConfig parse_hub_config(const Json& config, const std::string& origin) {
  if (!config.is_object()) throw ConfigError(origin + ": expected a JSON object");
  try {
    JsonObjectReader r(config, "");
    return read_config(r);
  } catch (const ConfigError& error) {
    throw ConfigError(origin + ": " + error.what());
  }
}

HubModelConfig parse_hub_config_text(const std::string& text, const std::string& origin) {
  Json config;
  try {
    config = Json::parse(text);
  } catch (const Json::exception& error) {
    throw ConfigError(origin + ": not valid JSON (" + error.what() + ")");
  }
  return parse_hub_config(config, origin);
}

HubModelConfig load_hub_config(const fs::path& folder) {
  const fs::path file = folder / "config.json";
  if (!fs::is_regular_file(file))
    throw IoError(file.string() + ": no such file (a Hugging Face model folder has config.json)");
  return parse_hub_config_text(read_file(file), file.string());
}

}  // namespace cradle
