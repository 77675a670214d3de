#include "core/models/causal_attention.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/models/batched_matmul.h"
#include "core/models/one_query_attention.h"

namespace cradle {

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& future, bool evaluating) {
  // One query is the newest position: it sees every key, whatever `future` holds for it.
  if (evaluating && one_query_attention_applies(q, k, v)) return one_query_attention(q, k, v);
  if (evaluating && q.scalar_type() == torch::kBFloat16 && q.device().is_cpu() && !torch::GradMode::is_enabled()) {
    // Generating in bfloat16: LibTorch 1.13's bfloat16 bmm on the CPU costs more than the whole attention in
    // float32 at these sizes (a few keys per query), and the softmax is float32 already.
    const auto f = torch::kFloat32;
    return causal_attention(q.to(f), k.to(f), v.to(f), future).to(torch::kBFloat16);
  }
  const std::int64_t batch = q.size(0), heads = q.size(1), length = q.size(2), width = q.size(3);
  const std::int64_t kv_heads = k.size(1), keys = k.size(2);
  TORCH_CHECK(kv_heads > 0 && heads % kv_heads == 0, "causal_attention: ", heads, " query heads cannot share ",
              kv_heads, " key/value heads evenly");
  const std::int64_t group = heads / kv_heads, stacks = batch * kv_heads;
  const auto queries = (q * (1.0 / std::sqrt(static_cast<double>(width)))).reshape({stacks, group * length, width});
  auto scores = batched_matmul_transposed(queries, k.reshape({stacks, keys, width}))
                    .view({batch, kv_heads, group, length, keys})
                    .masked_fill(future, -std::numeric_limits<float>::infinity());
  const auto weights = torch::softmax(scores.to(torch::kFloat32), -1).to(q.scalar_type());
  const auto mixed = batched_matmul(weights.view({stacks, group * length, keys}), v.reshape({stacks, keys, width}));
  return mixed.view({batch, heads, length, width}).transpose(1, 2).reshape({batch, length, heads * width});
}

}  // namespace cradle
