#include "core/eval/packed_gpt_decoder.h"

#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/models/evaluation_mode.h"
#include "core/models/few_rows_linear.h"
#include "core/models/one_query_attention.h"

namespace cradle {
namespace {

// x [N, in] · Wᵀ (+ b), each row as it would be alone where the row kernel runs (the CPU).
torch::Tensor packed_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {}) {
  if (!row_independent_linear_applies(x, weight)) return torch::nn::functional::linear(x, weight, bias);
  auto y = row_independent_linear(x, weight);
  if (bias.defined()) y.add_(bias);
  return y;
}

torch::Tensor packed_linear(const torch::Tensor& x, const torch::nn::Linear& layer) {
  return packed_linear(x, layer->weight, layer->bias);
}

}  // namespace

bool PackedGptDecoder::supports(const torch::nn::Sequential& model) {
  if (model->size() < 3 || !model->ptr(0)->as<TokenEmbeddingImpl>()) return false;
  for (std::size_t i = 1; i + 2 < model->size(); ++i) {
    const auto* block = model->ptr(i)->as<TransformerBlockImpl>();
    if (!block || !block->attention->causal()) return false;
  }
  const auto& tail = model->ptr(model->size() - 1);
  const bool known_logits = tail->as<TiedLogitsImpl>() != nullptr || tail->as<torch::nn::LinearImpl>() != nullptr;
  return model->ptr(model->size() - 2)->as<torch::nn::LayerNormImpl>() != nullptr && known_logits;
}

PackedGptDecoder::PackedGptDecoder(torch::nn::Sequential model, std::int64_t capacity)
    : model_(std::move(model)), capacity_(capacity) {
  if (!supports(model_)) throw std::logic_error("PackedGptDecoder: not a GPT built by build_gpt");
  embedding_ = std::dynamic_pointer_cast<TokenEmbeddingImpl>(model_->ptr(0));
  for (std::size_t i = 1; i + 2 < model_->size(); ++i)
    blocks_.push_back(std::dynamic_pointer_cast<TransformerBlockImpl>(model_->ptr(i)));
  final_norm_ = std::dynamic_pointer_cast<torch::nn::LayerNormImpl>(model_->ptr(model_->size() - 2));
  const auto tail = model_->ptr(model_->size() - 1);
  if (const auto* tied = tail->as<TiedLogitsImpl>())
    logits_weight_ = tied->embedding_weight();
  else
    logits_weight_ = tail->as<torch::nn::LinearImpl>()->weight;
  device_ = embedding_->tokens->weight.device();
}

torch::Tensor PackedGptDecoder::feed(const std::vector<SlotFeed>& feeds) {
  if (feeds.empty()) throw std::logic_error("PackedGptDecoder::feed: nothing to feed");
  torch::NoGradGuard no_grad;
  const EvaluationMode evaluation(*model_);
  std::vector<std::int64_t> ids, positions, last_rows;
  for (const auto& f : feeds) {
    const Slot& slot = slots_.at(f.slot);
    const auto count = static_cast<std::int64_t>(f.tokens.size());
    if (count == 0)
      throw std::logic_error("PackedGptDecoder::feed: slot " + std::to_string(f.slot) + " gets no tokens");
    if (slot.length + count > capacity_)
      throw std::logic_error("PackedGptDecoder::feed: slot " + std::to_string(f.slot) + " would pass the context of " +
                             std::to_string(capacity_) + " positions");
    for (std::int64_t j = 0; j < count; ++j) {
      ids.push_back(f.tokens[static_cast<std::size_t>(j)]);
      positions.push_back(slot.length + j);
    }
    last_rows.push_back(static_cast<std::int64_t>(ids.size()) - 1);
  }
  const auto on_device = [&](const std::vector<std::int64_t>& values) {
    return torch::tensor(values, torch::kInt64).to(device_);
  };
  auto x = embedding_->tokens->forward(on_device(ids));  // [N, width]
  if (embedding_->positions) x = x + embedding_->positions->forward(on_device(positions));
  for (std::size_t i = 0; i < blocks_.size(); ++i) x = block(i, x, feeds);
  for (const auto& f : feeds) slots_.at(f.slot).length += static_cast<std::int64_t>(f.tokens.size());
  const auto last = final_norm_->forward(x.index_select(0, on_device(last_rows)));
  return packed_linear(last, logits_weight_).to(torch::kFloat32).cpu();
}

torch::Tensor PackedGptDecoder::block(std::size_t index, const torch::Tensor& x, const std::vector<SlotFeed>& feeds) {
  TransformerBlockImpl& b = *blocks_[index];
  const auto qkv = packed_linear(b.norm1->forward(x), b.attention->qkv);  // [N, 3 width]
  const auto h = x + packed_linear(attention_rows(index, qkv, feeds), b.attention->projection);
  return h + packed_linear(torch::gelu(packed_linear(b.norm2->forward(h), b.expand)), b.contract);
}

bool PackedGptDecoder::one_pass_applies(std::size_t index, const torch::Tensor& qkv) const {
  const auto type = qkv.scalar_type();
  return !blocks_[index]->attention->rotary() && qkv.device().is_cpu() && !torch::GradMode::is_enabled() &&
         (type == torch::kFloat32 || type == torch::kBFloat16);
}

torch::Tensor PackedGptDecoder::attention_rows(std::size_t index, const torch::Tensor& qkv,
                                               const std::vector<SlotFeed>& feeds) {
  const std::int64_t width = qkv.size(1) / 3;
  std::vector<std::int64_t> first_row(feeds.size()), single_rows;
  std::vector<int> single_slots;
  std::int64_t rows = 0;
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    first_row[i] = rows;
    if (feeds[i].tokens.size() == 1) {
      single_rows.push_back(rows);
      single_slots.push_back(feeds[i].slot);
    }
    rows += static_cast<std::int64_t>(feeds[i].tokens.size());
  }
  const bool one_pass = !single_rows.empty() && one_pass_applies(index, qkv);
  if (one_pass && single_rows.size() == feeds.size())
    return attend_one_token_each(index, qkv.contiguous(), single_slots);
  // A step where some slots take a prompt: those attend one by one, the others still in one pass.
  auto out = torch::empty({rows, width}, qkv.options());
  if (one_pass) {
    const auto which = torch::tensor(single_rows, torch::kInt64);
    out.index_copy_(0, which, attend_one_token_each(index, qkv.index_select(0, which), single_slots));
  }
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    const auto n = static_cast<std::int64_t>(feeds[i].tokens.size());
    if (one_pass && n == 1) continue;
    const auto part = qkv.narrow(0, first_row[i], n);
    out.narrow(0, first_row[i], n)
        .copy_(attend(index, slots_.at(feeds[i].slot), part.narrow(1, 0, width), part.narrow(1, width, width),
                      part.narrow(1, 2 * width, width)));
  }
  return out;
}

AttentionCache& PackedGptDecoder::cache_of(std::size_t index, Slot& slot, const torch::TensorOptions& options) {
  if (slot.layers.size() != blocks_.size()) slot.layers.resize(blocks_.size());
  AttentionCache& cache = slot.layers[index];
  if (!cache.keys.defined()) {
    const std::int64_t heads = blocks_[index]->attention->heads();
    const std::int64_t head_width = blocks_[index]->attention->qkv->weight.size(1) / heads;
    cache.keys = torch::empty({1, heads, capacity_, head_width}, options);
    cache.values = torch::empty({1, heads, capacity_, head_width}, options);
  }
  return cache;
}

torch::Tensor PackedGptDecoder::attend_one_token_each(std::size_t index, const torch::Tensor& qkv,
                                                      const std::vector<int>& slots) {
  const std::int64_t count = qkv.size(0), width = qkv.size(1) / 3, heads = blocks_[index]->attention->heads();
  const std::int64_t head_width = width / heads, item = qkv.element_size();
  std::vector<torch::Tensor> keys, values;
  std::vector<std::int64_t> lengths;
  const auto* rows = static_cast<const char*>(qkv.data_ptr());
  for (std::int64_t i = 0; i < count; ++i) {
    Slot& slot = slots_.at(slots[static_cast<std::size_t>(i)]);
    AttentionCache& cache = cache_of(index, slot, qkv.options());
    // The new key and value, head by head, into the cache's row `slot.length`:
    // what attend's copies do, without two operators per slot and layer.
    const char* row = rows + i * 3 * width * item;
    auto* key_rows = static_cast<char*>(cache.keys.data_ptr());
    auto* value_rows = static_cast<char*>(cache.values.data_ptr());
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t at = (h * capacity_ + slot.length) * head_width * item;
      std::memcpy(key_rows + at, row + (width + h * head_width) * item, head_width * item);
      std::memcpy(value_rows + at, row + (2 * width + h * head_width) * item, head_width * item);
    }
    cache.length = slot.length + 1;
    keys.push_back(cache.keys);
    values.push_back(cache.values);
    lengths.push_back(cache.length);
  }
  return one_query_attention_each(qkv.narrow(1, 0, width).view({count, heads, head_width}), keys, values, lengths);
}

torch::Tensor PackedGptDecoder::attend(std::size_t index, Slot& slot, const torch::Tensor& q_rows,
                                       const torch::Tensor& k_rows, const torch::Tensor& v_rows) {
  SelfAttentionImpl& attention = *blocks_[index]->attention;
  const std::int64_t n = q_rows.size(0), width = q_rows.size(1), heads = attention.heads(), head_width = width / heads;
  const auto split = [&](const torch::Tensor& t) { return t.reshape({1, n, heads, head_width}).transpose(1, 2); };
  auto q = split(q_rows), k = split(k_rows);
  const auto v = split(v_rows);
  const std::int64_t seen = slot.length, total = seen + n;
  if (attention.rotary()) {
    q = rotate_positions(q, seen);
    k = rotate_positions(k, seen);
  }
  AttentionCache& cache = cache_of(index, slot, k.options());
  cache.keys.narrow(2, seen, n).copy_(k);
  cache.values.narrow(2, seen, n).copy_(v);
  cache.length = total;
  const auto keys = cache.keys.narrow(2, 0, total), values = cache.values.narrow(2, 0, total);
  if (n == 1 && one_query_attention_applies(q, keys, values))
    return one_query_attention(q, keys, values).view({1, width});
  auto scores = torch::matmul(q, keys.transpose(2, 3)).mul_(1.0 / std::sqrt(static_cast<double>(head_width)));
  if (n > 1)  // new position i (absolute seen + i) sees keys up to seen + i
    scores.masked_fill_(
        torch::ones({n, total}, torch::TensorOptions().dtype(torch::kBool).device(q.device())).triu(seen + 1),
        -std::numeric_limits<float>::infinity());
  return torch::matmul(torch::softmax(scores, 3), values).transpose(1, 2).reshape({n, width});
}

}  // namespace cradle
