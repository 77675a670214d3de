#pragma once
// Causal attention for a single query, generation's step after the prompt:
// the query is the newest position, so it sees every key, and one pass per
// head (its scores, their softmax, the weighted sum of the values) in float32
// does what causal_attention's dozen ATen operators do (a scale, conversions,
// two batched products, a mask, a softmax, reshapes), each of which costs more
// to dispatch than its arithmetic at a few hundred keys. Grouped-query
// attention reads each key/value head for its group of query heads.
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace cradle {

// Whether one_query_attention takes them: CPU, no gradient wanted, q
// [B, H, 1, D], k and v [B, KVH, T, D] with H a multiple of KVH and the last
// dimension contiguous (views of the key/value cache are), all float32 or all bfloat16.
bool one_query_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v);

// softmax(q·kᵀ/√D)·v as [B, 1, H·D] in q's type (bfloat16 rounded once, at the end).
torch::Tensor one_query_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v);

// Several sequences' newest positions at once, each against its own cache, as
// batched generation steps them: queries [S, H, D] (a view of the packed qkv
// rows: each row's heads contiguous), keys[s] and values[s] [1, KVH, ≥ T_s, D]
// (a cache's whole buffers) of which the first lengths[s] positions are read.
// Every (sequence, head) is worked out by the code one_query_attention runs
// for it alone, all of them in one parallel pass, so a sequence's result is
// the same bits whatever else is in the batch.
bool one_query_attention_each_applies(const torch::Tensor& queries, const std::vector<torch::Tensor>& keys,
                                      const std::vector<torch::Tensor>& values,
                                      const std::vector<std::int64_t>& lengths);

// [S, H·D] in the queries' type (bfloat16 rounded once, at the end).
torch::Tensor one_query_attention_each(const torch::Tensor& queries, const std::vector<torch::Tensor>& keys,
                                       const std::vector<torch::Tensor>& values,
                                       const std::vector<std::int64_t>& lengths);

}  // namespace cradle
