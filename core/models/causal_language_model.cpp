#include "core/models/causal_language_model.h"

#include <algorithm>

#include "core/hub/fine_tuning_memory.h"

namespace cradle {

std::pair<torch::Tensor, torch::Tensor> KeyValueCache::append(std::size_t layer, const torch::Tensor& keys,
                                                              const torch::Tensor& values) {
  const std::int64_t fresh = keys.size(2), total = length_ + fresh;
  TORCH_CHECK(total <= capacity_, "key/value cache: ", total, " positions are more than its capacity of ", capacity_);
  auto& k = keys_.at(layer);
  auto& v = values_.at(layer);
  if (!k.defined() || k.size(2) < total || k.size(0) != keys.size(0)) {
    const std::int64_t allocated =
        std::min(capacity_, std::max<std::int64_t>({total, 256, k.defined() ? 2 * k.size(2) : 0}));
    auto grown_k = torch::empty({keys.size(0), keys.size(1), allocated, keys.size(3)}, keys.options());
    auto grown_v = torch::empty({values.size(0), values.size(1), allocated, values.size(3)}, values.options());
    if (k.defined() && length_ > 0 && k.size(0) == keys.size(0)) {
      grown_k.narrow(2, 0, length_).copy_(k.narrow(2, 0, length_));
      grown_v.narrow(2, 0, length_).copy_(v.narrow(2, 0, length_));
    }
    k = grown_k;
    v = grown_v;
  }
  k.narrow(2, length_, fresh).copy_(keys);
  v.narrow(2, length_, fresh).copy_(values);
  return {k.narrow(2, 0, total), v.narrow(2, 0, total)};
}

torch::Tensor CausalLanguageModelImpl::forward_cached(const torch::Tensor& input_ids, KeyValueCache& cache) {
  auto logits = run(input_ids, &cache);
  cache.advance(input_ids.size(1));
  return logits;
}

LayerCost CausalLanguageModelImpl::cost(const Shape& input_shape, const Shape& output_shape) const {
  const HubModelConfig& c = config_;
  const std::int64_t tokens = input_shape.empty() ? 1 : input_shape.front();
  // Every weight but a separate embedding's multiplies each token; attention adds scores and their weighted sum.
  const std::int64_t multiplied = c.parameters() - (c.tie_word_embeddings ? 0 : c.vocab_size * c.hidden_size);
  const std::int64_t attention = 4 * c.num_hidden_layers * tokens * tokens * c.num_attention_heads * c.head_dim;
  FineTuningMemoryOptions options;
  options.context = tokens;
  options.gradient_checkpointing = gradient_checkpointing_;
  const FineTuningMemory memory = estimate_fine_tuning_memory(c, options);
  return {2 * multiplied * tokens + attention, (memory.activations + memory.logits) / 4};
}

KeyValueCache CausalLanguageModelImpl::new_cache(std::int64_t capacity) const {
  return KeyValueCache(config_.num_hidden_layers, std::min(capacity, config_.max_position_embeddings));
}

void CausalLanguageModelImpl::check_input(const torch::Tensor& input_ids, std::int64_t first_position) const {
  const std::string name = to_string(config_.architecture);
  TORCH_CHECK(input_ids.dim() == 2, name, ": expected token ids [batch, length], got ", input_ids.sizes());
  TORCH_CHECK(first_position + input_ids.size(1) <= config_.max_position_embeddings, name, ": ",
              first_position + input_ids.size(1), " tokens are more than the model's context of ",
              config_.max_position_embeddings);
}

torch::Tensor future_positions(std::int64_t first, std::int64_t n, torch::Device device) {
  return torch::ones({n, first + n}, torch::dtype(torch::kBool).device(device)).triu(first + 1);
}

}  // namespace cradle
