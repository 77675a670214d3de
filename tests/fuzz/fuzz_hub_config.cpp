// libFuzzer target: a Hugging Face model folder's config.json. Bad input must
// end in a ConfigError; accepted input must give sizes the model can be built
// from (positive, heads dividing into key/value heads, an even head width for
// rotary positions, an activation that is built).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/hub/hub_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  cradle::HubModelConfig c;
  try {
    c = cradle::parse_hub_config_text(text, "config.json");
  } catch (const cradle::ConfigError&) {
    return 0;
  }
  if (c.vocab_size < 1 || c.hidden_size < 1 || c.intermediate_size < 1 || c.num_hidden_layers < 1) __builtin_trap();
  if (c.num_key_value_heads < 1 || c.num_attention_heads % c.num_key_value_heads != 0) __builtin_trap();
  const bool rotary = c.architecture != cradle::HubArchitecture::Gpt2;  // GPT-2 learns its positions
  if (c.head_dim < 1 || (rotary && c.head_dim % 2 != 0) || c.max_position_embeddings < 1) __builtin_trap();
  if (c.head_dim * c.num_attention_heads != c.hidden_size && !rotary) __builtin_trap();
  if (!(c.rms_norm_eps > 0) || !(c.rope_theta > 0) || !(c.layer_norm_epsilon > 0)) __builtin_trap();
  if (c.activation != "silu" && c.activation != "gelu_new" && c.activation != "gelu") __builtin_trap();
  if (c.rope_scaling && !(c.rope_scaling->high_freq_factor > c.rope_scaling->low_freq_factor)) __builtin_trap();
  (void)c.parameters();
  (void)cradle::to_string(c.architecture);
  return 0;
}
