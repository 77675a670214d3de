#pragma once
// The model the Hub benchmarks measure: a Llama-family model of SmolLM-135M's
// shape (30 layers, width 576, 9 heads, 3 key/value heads, MLP 1536,
// vocabulary 49152, tied output; 134,515,008 parameters) with random weights
// (normal, std 0.02, seed 1).
#include <torch/torch.h>

#include "core/hub/hub_config.h"
#include "core/models/llama.h"

namespace cradle::bench {

inline LlamaForCausalLM smollm_135m_shaped_model() {
  const Json config = {{"architectures", {"LlamaForCausalLM"}},
                       {"model_type", "llama"},
                       {"vocab_size", 49152},
                       {"hidden_size", 576},
                       {"intermediate_size", 1536},
                       {"num_hidden_layers", 30},
                       {"num_attention_heads", 9},
                       {"num_key_value_heads", 3},
                       {"max_position_embeddings", 2048},
                       {"rms_norm_eps", 1e-5},
                       {"rope_theta", 10000.0},
                       {"hidden_act", "silu"},
                       {"tie_word_embeddings", true}};
  torch::manual_seed(1);
  LlamaForCausalLM model(parse_hub_config(config, "SmolLM-135M shape"));
  torch::NoGradGuard no_grad;
  for (auto& p : model->parameters()) p.normal_(0, 0.02);
  return model;
}

}  // namespace cradle::bench
