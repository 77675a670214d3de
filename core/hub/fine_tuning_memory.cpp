#include "core/hub/fine_tuning_memory.h"

#include <string>
#include <vector>

namespace cradle {
namespace {

struct ProjectionShape {
  const char* name;  // as target_modules names it
  std::int64_t in, out;
};

// One layer's projections, as core/models/llama.h and core/models/gpt2.h build them.
std::vector<ProjectionShape> layer_projections(const HubModelConfig& c) {
  const std::int64_t w = c.hidden_size, q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim,
                     i = c.intermediate_size;
  if (c.architecture == HubArchitecture::Gpt2)
    return {{"c_attn", w, 3 * w}, {"c_proj", w, w}, {"c_fc", w, i}, {"c_proj", i, w}};
  return {{"q_proj", w, q},    {"k_proj", w, kv}, {"v_proj", w, kv},  {"o_proj", q, w},
          {"gate_proj", w, i}, {"up_proj", w, i}, {"down_proj", i, w}};
}

bool targeted(const char* name, const LoraTargets& targets) {
  if (targets.names.empty()) return true;  // a pattern or "all-linear": counted as every projection
  for (const auto& target : targets.names)
    if (target == name) return true;
  return false;
}

}  // namespace

FineTuningMemory estimate_fine_tuning_memory(const HubModelConfig& c, const FineTuningMemoryOptions& o) {
  FineTuningMemory m;
  const std::int64_t parameters = c.parameters(), layers = c.num_hidden_layers;
  const std::int64_t tokens = o.batch * o.context;
  const bool lora = o.lora.has_value();
  const std::int64_t base_bytes = lora && o.bfloat16_base ? 2 : 4, activation_bytes = base_bytes;

  // Activations the backward pass keeps, per layer (counted from the operations of
  // core/models/llama.cpp): about 11 of width per token (norms, projections, rotary
  // positions, the heads' keys and values shared out), 4 of the MLP's width, and
  // each head's attention weights, context² per head.
  const std::int64_t per_layer =
      tokens * (11 * c.hidden_size + 4 * c.intermediate_size) + o.batch * c.num_attention_heads * o.context * o.context;
  std::int64_t adapter_activations = 0;  // per layer: dropout's mask and output of each adapted input
  if (lora) {
    const LoraTargets targets = o.targets.value_or(LoraTargets{});
    std::int64_t adapters = 0;
    for (const auto& p : layer_projections(c)) {
      if (o.targets && !targeted(p.name, targets)) continue;
      adapters += o.lora->rank * (p.in + p.out);
      adapter_activations += tokens * (2 * p.in + o.lora->rank);
    }
    m.trainable = adapters * layers;
  } else {
    m.trainable = parameters;
  }
  const std::int64_t layer_bytes = (per_layer + adapter_activations) * activation_bytes;
  m.activations = o.gradient_checkpointing ? layers * tokens * c.hidden_size * activation_bytes + layer_bytes
                                           : layers * layer_bytes;
  m.logits = 3 * tokens * c.vocab_size * 4;  // float32 logits, their log-softmax and gradient
  m.weights = (lora ? parameters * base_bytes + m.trainable * 4 : parameters * 4);
  m.gradients = m.trainable * 4;
  m.optimizer = 2 * m.trainable * 4;  // AdamW's two moments
  return m;
}

}  // namespace cradle
