#pragma once
// What a LoRA adapter is (its rank, alpha, dropout) and which projections get
// one, kept free of LibTorch so the adapter config's reader can be fuzzed.
// The projections are core/models/lora_linear.h; a whole model core/models/lora.h.
#include <cstdint>
#include <string>
#include <vector>

namespace cradle {

struct LoraOptions {
  std::int64_t rank = 8;
  double alpha = 16;
  double dropout = 0.05;
  bool rank_stabilised = false;  // rsLoRA: scaling alpha / sqrt(rank) instead of alpha / rank

  LoraOptions& with_rank(std::int64_t value) {
    rank = value;
    return *this;
  }
  LoraOptions& with_alpha(double value) {
    alpha = value;
    return *this;
  }
  LoraOptions& with_dropout(double value) {
    dropout = value;
    return *this;
  }
  double scaling() const;
};

// Which projections get adapters, as peft's target_modules: a list of names,
// each matching a module's whole name or its last dotted parts ("q_proj"
// matches "model.layers.0.self_attn.q_proj"); or one regular expression that
// must match a whole name; or "all-linear" (every projection; the output
// layer is never one).
struct LoraTargets {
  std::vector<std::string> names;
  std::string pattern;  // used when names is empty
};

std::string describe(const LoraTargets& targets);  // as a user wrote it: ["q_proj", "v_proj"] or the pattern

}  // namespace cradle
