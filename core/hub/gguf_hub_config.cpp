#include "core/hub/gguf_hub_config.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "core/common/error.h"

namespace cradle {
namespace {

// The metadata a config is made of, each key checked for its kind.
class GgufMetadata {
 public:
  static constexpr std::int64_t kLargest = std::int64_t{1} << 24;  // no size of a real model comes near
  explicit GgufMetadata(const GgufFile& file) : file_(file) {}

  std::string text(const std::string& key) const {
    const GgufValue& v = required(key);
    if (!v.value.is_string()) throw wrong(key, "a string");
    return v.value.get<std::string>();
  }
  std::int64_t count(const std::string& key) const { return count_or(key, std::nullopt); }
  std::int64_t count_or(const std::string& key, std::optional<std::int64_t> fallback) const {
    const GgufValue* v = file_.find(key);
    if (!v && fallback) return *fallback;
    if (!v) required(key);
    if (!v->value.is_number_integer() || v->value.get<std::int64_t>() < 1 || v->value.get<std::int64_t>() > kLargest)
      throw wrong(key, "a positive integer up to " + std::to_string(kLargest));
    return v->value.get<std::int64_t>();
  }
  double number_or(const std::string& key, std::optional<double> fallback) const {
    const GgufValue* v = file_.find(key);
    if (!v && fallback) return *fallback;
    if (!v) required(key);
    if (!v->value.is_number() || !(v->value.get<double>() > 0)) throw wrong(key, "a positive number");
    return v->value.get<double>();
  }

 private:
  const GgufValue& required(const std::string& key) const {
    const GgufValue* v = file_.find(key);
    if (!v) throw DataError(file_.origin + ": metadata " + key + " is missing");
    return *v;
  }
  DataError wrong(const std::string& key, const std::string& kind) const {
    return DataError(file_.origin + ": metadata " + key + " is " +
                     file_.find(key)->value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ", not " +
                     kind);
  }
  const GgufFile& file_;
};

// The parameters the config describes (counted in double: hostile sizes must
// not overflow) against the values the file's tensors hold, so a file cannot
// make the reader build a model larger than itself.
void check_fits_the_file(const GgufFile& file, const HubModelConfig& c) {
  const double hidden = static_cast<double>(c.hidden_size), inter = static_cast<double>(c.intermediate_size);
  const double q = static_cast<double>(c.num_attention_heads * c.head_dim);
  const double kv = static_cast<double>(c.num_key_value_heads * c.head_dim);
  const double layer = c.architecture == HubArchitecture::Gpt2 ? 4 * hidden * hidden + 2 * hidden * inter
                                                               : 2 * hidden * q + 2 * hidden * kv + 3 * hidden * inter;
  const double described =
      static_cast<double>(c.vocab_size) * hidden + static_cast<double>(c.num_hidden_layers) * layer;
  double stored = 0;
  for (const auto& info : file.tensors) {
    double values = 1;
    for (const auto d : info.dims) values *= static_cast<double>(d);
    stored += values;
  }
  if (described > stored) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "the metadata describes a model of at least %.0f values; the file's tensors hold %.0f", described,
                  stored);
    throw DataError(file.origin + ": " + text);
  }
}

// Llama 3's scaling as llama.cpp stores it: one float32 divisor per rotary frequency.
std::vector<float> read_rope_frequency_divisors(const GgufFile& file, const GgufTensorInfo& info,
                                                std::int64_t head_dim) {
  if (info.type != static_cast<std::uint32_t>(GgmlType::F32) || info.dims.size() != 1 || info.dims[0] * 2 != head_dim)
    throw DataError(file.origin + ": tensor " + info.name + " should be float32 of shape [" +
                    std::to_string(head_dim / 2) + "] (a divisor per rotary frequency of a head of " +
                    std::to_string(head_dim) + ")");
  const std::string bytes = file.tensor_bytes(info);
  std::vector<float> divisors(static_cast<std::size_t>(info.dims[0]));
  std::memcpy(divisors.data(), bytes.data(), divisors.size() * sizeof(float));
  for (const float divisor : divisors)
    if (!(divisor > 0) || !std::isfinite(divisor))
      throw DataError(file.origin + ": tensor " + info.name + " holds " + std::to_string(divisor) +
                      "; every rotary frequency's divisor must be a positive number");
  return divisors;
}

}  // namespace

HubModelConfig gguf_hub_config(const GgufFile& file) {
  const GgufMetadata m(file);
  const std::string arch = m.text("general.architecture");
  HubModelConfig c;
  if (arch == "llama") {
    c.architecture = HubArchitecture::Llama;
  } else if (arch == "qwen2") {
    c.architecture = HubArchitecture::Qwen2;
  } else if (arch == "gpt2") {
    c.architecture = HubArchitecture::Gpt2;
  } else {
    throw DataError(file.origin + ": general.architecture \"" + arch +
                    "\" is not one Cradle reads back (llama, qwen2 and gpt2)");
  }
  c.model_type = arch;
  const GgufTensorInfo* embedding = file.find_tensor("token_embd.weight");
  if (!embedding || embedding->dims.size() != 2)
    throw DataError(file.origin + ": no two-dimensional tensor token_embd.weight (the token embedding)");
  c.vocab_size = m.count_or(arch + ".vocab_size", embedding->dims[1]);
  c.hidden_size = m.count(arch + ".embedding_length");
  c.num_hidden_layers = m.count(arch + ".block_count");
  c.intermediate_size = m.count(arch + ".feed_forward_length");
  c.num_attention_heads = m.count(arch + ".attention.head_count");
  c.max_position_embeddings = m.count(arch + ".context_length");
  if (c.architecture == HubArchitecture::Gpt2) {
    c.num_key_value_heads = c.num_attention_heads;
    c.head_dim = c.hidden_size / c.num_attention_heads;
    c.layer_norm_epsilon = m.number_or(arch + ".attention.layer_norm_epsilon", 1e-5);
    c.activation = "gelu_new";
    c.tie_word_embeddings = !file.find_tensor("output.weight");
    check_fits_the_file(file, c);
    return c;
  }
  c.num_key_value_heads = m.count_or(arch + ".attention.head_count_kv", c.num_attention_heads);
  c.head_dim = m.count_or(arch + ".attention.key_length", c.hidden_size / c.num_attention_heads);
  if (const GgufTensorInfo* divisors = file.find_tensor(kRopeFrequencyDivisors))
    c.rope_frequency_divisors = read_rope_frequency_divisors(file, *divisors, c.head_dim);
  c.rms_norm_eps = m.number_or(arch + ".attention.layer_norm_rms_epsilon", std::nullopt);
  c.rope_theta = m.number_or(arch + ".rope.freq_base", 10000.0);
  c.tie_word_embeddings = !file.find_tensor("output.weight");
  c.attention_bias = file.find_tensor("blk.0.attn_output.bias") != nullptr;
  c.qkv_bias = !c.attention_bias && file.find_tensor("blk.0.attn_q.bias") != nullptr;
  c.mlp_bias = file.find_tensor("blk.0.ffn_up.bias") != nullptr;
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    throw DataError(file.origin + ": " + arch + ".attention.head_count " + std::to_string(c.num_attention_heads) +
                    " is not a multiple of head_count_kv " + std::to_string(c.num_key_value_heads));
  check_fits_the_file(file, c);
  return c;
}

}  // namespace cradle
