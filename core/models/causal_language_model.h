#pragma once
// What every decoder-only language model read from a Hugging Face folder
// offers the rest of Cradle: token ids in, next-token logits out, and the
// same incrementally with a key/value cache for generation. Each
// architecture (core/models/llama.h, core/models/gpt2.h) keeps the Hub's own
// module names, so its checkpoint loads by name (core/hub/hub_model.h).
#include <torch/torch.h>

#include <utility>
#include <vector>

#include "core/hub/hub_config.h"
#include "core/models/layer_cost.h"

namespace cradle {

// The keys and values of the positions a model has already seen, per layer,
// so that generation feeds each new token alone. The buffers grow as needed
// (doubling, up to `capacity`) rather than holding a whole context from the start.
class KeyValueCache {
 public:
  KeyValueCache(std::int64_t layers, std::int64_t capacity) : keys_(layers), values_(layers), capacity_(capacity) {}

  // Layer `layer`'s keys and values of the positions being fed, [B, heads, n, D]
  // (n the same for every layer), stored after the cache's; returns all of
  // them so far, [B, heads, length() + n, D]. Call advance(n) once every layer has appended.
  std::pair<torch::Tensor, torch::Tensor> append(std::size_t layer, const torch::Tensor& keys,
                                                 const torch::Tensor& values);
  void advance(std::int64_t positions) { length_ += positions; }

  std::int64_t length() const { return length_; }  // positions seen
  std::int64_t capacity() const { return capacity_; }
  void reset() { length_ = 0; }

 private:
  std::vector<torch::Tensor> keys_, values_;  // [B, heads, allocated, D]
  std::int64_t capacity_;
  std::int64_t length_ = 0;
};

class CausalLanguageModelImpl : public torch::nn::Module, public CostedLayer {
 public:
  // Token ids [B, T] (T at most the config's context) → logits [B, T, vocab].
  torch::Tensor forward(const torch::Tensor& input_ids) { return run(input_ids, nullptr); }
  // Token ids [B, n] standing after the cache's positions → their logits
  // [B, n, vocab]; their keys and values join the cache. TORCH_CHECK naming
  // the sizes when they would pass the cache's capacity or the model's context.
  torch::Tensor forward_cached(const torch::Tensor& input_ids, KeyValueCache& cache);
  // An empty cache for this model, holding at most `capacity` positions (at most its context).
  KeyValueCache new_cache(std::int64_t capacity) const;

  const HubModelConfig& config() const { return config_; }
  // The final norm's output [B, T, hidden] for token ids [B, T]: what the
  // output layer reads, and what a reward model's head reads (core/hub/hub_reward_model.h).
  torch::Tensor hidden_states(const torch::Tensor& input_ids) { return run_layers(input_ids, nullptr); }
  // Both from one pass: {logits [B, T, vocab], hidden states [B, T, hidden]}
  // (PPO's value head reads the hidden states, core/align/policy_value_model.h).
  std::pair<torch::Tensor, torch::Tensor> logits_and_hidden_states(const torch::Tensor& input_ids) {
    auto hidden = run_layers(input_ids, nullptr);
    return {output_logits(hidden), hidden};
  }

  // A forward pass over T tokens (the input shape [T]): its multiply-adds and
  // the activations a training step keeps (core/hub/fine_tuning_memory.h), per sample.
  LayerCost cost(const Shape& input_shape, const Shape& output_shape) const override;

  // While training, each layer's activations are recomputed in the backward
  // pass instead of kept (core/train/activation_checkpoint.h).
  void set_gradient_checkpointing(bool on) { gradient_checkpointing_ = on; }
  bool gradient_checkpointing() const { return gradient_checkpointing_; }

 protected:
  explicit CausalLanguageModelImpl(HubModelConfig config) : config_(std::move(config)) {}
  // The architecture's layers up to its final norm; with a cache, the ids stand at positions
  // cache->length() onwards and each layer appends to it (advance is the caller's).
  virtual torch::Tensor run_layers(const torch::Tensor& input_ids, KeyValueCache* cache) = 0;
  // Hidden states → logits: the architecture's own output layer, or its embedding when tied.
  virtual torch::Tensor output_logits(const torch::Tensor& hidden) = 0;
  torch::Tensor run(const torch::Tensor& input_ids, KeyValueCache* cache) {
    return output_logits(run_layers(input_ids, cache));
  }
  void check_input(const torch::Tensor& input_ids, std::int64_t first_position) const;
  // Whether this forward pass checkpoints its layers: asked for, training, and no cache.
  bool checkpoints_layers(const KeyValueCache* cache) const {
    return gradient_checkpointing_ && is_training() && cache == nullptr;
  }

 private:
  HubModelConfig config_;
  bool gradient_checkpointing_ = false;
};

// [n, first + n], true where query i (at position first + i) would see a later position.
torch::Tensor future_positions(std::int64_t first, std::int64_t n, torch::Device device);

}  // namespace cradle
