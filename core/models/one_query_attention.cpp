#include "core/models/one_query_attention.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/models/few_rows_linear.h"

namespace cradle {
namespace {

// Everything below is inlined into two copies of attend_heads, one compiled
// for AVX2 with FMA (the loops become 8-wide) and one for any x86-64 or other
// processor, the copy chosen at run time.
#define CRADLE_INLINE inline __attribute__((always_inline))

CRADLE_INLINE float as_float(float value) { return value; }
CRADLE_INLINE float as_float(at::BFloat16 value) {
  const std::uint32_t bits = static_cast<std::uint32_t>(value.x) << 16;  // bfloat16 is float32's upper half
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

// q·k over D, in eight running sums the compiler keeps in one vector register.
template <class T>
CRADLE_INLINE float dot(const float* q, const T* k, std::int64_t width) {
  float sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::int64_t d = 0;
  for (; d + 8 <= width; d += 8)
    for (int j = 0; j < 8; ++j) sums[j] += q[d + j] * as_float(k[d + j]);
  float total = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
  for (; d < width; ++d) total += q[d] * as_float(k[d]);
  return total;
}

template <class T>
struct HeadViews {
  const T *q, *k, *v;
  std::int64_t heads, group, keys, width;
  std::int64_t key_row, key_head, key_batch;  // strides of k in elements
  std::int64_t value_row, value_head, value_batch;
};

// Query heads [begin, end): each one's scaled scores against every key, their
// softmax, and the values weighted by it, into out (D floats per head).
// `scratch` holds keys + D floats.
template <class T>
CRADLE_INLINE void attend_heads(const HeadViews<T>& s, std::int64_t begin, std::int64_t end, float* scratch,
                                float* out) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.width));
  float* q = scratch;
  float* scores = scratch + s.width;
  for (std::int64_t unit = begin; unit < end; ++unit) {
    const std::int64_t b = unit / s.heads, kv = unit % s.heads / s.group;
    const T* keys = s.k + b * s.key_batch + kv * s.key_head;
    const T* values = s.v + b * s.value_batch + kv * s.value_head;
    for (std::int64_t d = 0; d < s.width; ++d) q[d] = as_float(s.q[unit * s.width + d]) * scale;
    float largest = -INFINITY;
    for (std::int64_t t = 0; t < s.keys; ++t) {
      scores[t] = dot(q, keys + t * s.key_row, s.width);
      largest = std::max(largest, scores[t]);
    }
    float total = 0;
    for (std::int64_t t = 0; t < s.keys; ++t) total += (scores[t] = std::exp(scores[t] - largest));
    float* y = out + unit * s.width;
    std::fill(y, y + s.width, 0.0f);
    for (std::int64_t t = 0; t < s.keys; ++t) {
      const float weight = scores[t] / total;
      const T* row = values + t * s.value_row;
      for (std::int64_t d = 0; d < s.width; ++d) y[d] += weight * as_float(row[d]);
    }
  }
}

template <class T>
void attend_heads_plain(const HeadViews<T>& s, std::int64_t begin, std::int64_t end, float* scratch, float* out) {
  attend_heads(s, begin, end, scratch, out);
}

#if defined(__x86_64__)
template <class T>
__attribute__((target("avx2,fma"))) void attend_heads_avx2(const HeadViews<T>& s, std::int64_t begin, std::int64_t end,
                                                           float* scratch, float* out) {
  attend_heads(s, begin, end, scratch, out);
}
#endif

template <class T>
void attend_all(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, float* out) {
  const auto query = q.contiguous();
  const HeadViews<T> s{query.data_ptr<T>(), k.data_ptr<T>(), v.data_ptr<T>(), q.size(1),   q.size(1) / k.size(1),
                       k.size(2),           q.size(3),       k.stride(2),     k.stride(1), k.stride(0),
                       v.stride(2),         v.stride(1),     v.stride(0)};
  auto* run = &attend_heads_plain<T>;
#if defined(__x86_64__)
  if (row_kernel_supported(RowKernel::Avx2)) run = &attend_heads_avx2<T>;
#endif
  // A thread's share at least ~32k multiply-adds, so short contexts stay on one thread.
  const std::int64_t grain = std::max<std::int64_t>(1, 32768 / std::max<std::int64_t>(1, 2 * s.keys * s.width));
  at::parallel_for(0, q.size(0) * s.heads, grain, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> scratch(static_cast<std::size_t>(s.keys + s.width));
    run(s, begin, end, scratch.data(), out);
  });
}

#undef CRADLE_INLINE

}  // namespace

bool one_query_attention_applies(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  const auto type = q.scalar_type();
  return !torch::GradMode::is_enabled() && q.device().is_cpu() && k.device().is_cpu() && v.device().is_cpu() &&
         (type == torch::kFloat32 || type == torch::kBFloat16) && k.scalar_type() == type && v.scalar_type() == type &&
         q.dim() == 4 && k.dim() == 4 && v.dim() == 4 && q.size(2) == 1 && k.sizes() == v.sizes() &&
         k.size(0) == q.size(0) && k.size(3) == q.size(3) && k.size(1) > 0 && q.size(1) % k.size(1) == 0 &&
         k.size(2) > 0 && k.stride(3) == 1 && v.stride(3) == 1;
}

torch::Tensor one_query_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  TORCH_CHECK(one_query_attention_applies(q, k, v), "one_query_attention: q ", q.sizes(), ", k ", k.sizes(), ", v ",
              v.sizes(), " of ", q.scalar_type(), " is not an attention it takes");
  const std::int64_t batch = q.size(0), heads = q.size(1), width = q.size(3);
  auto out = torch::empty({batch, 1, heads * width}, q.options().dtype(torch::kFloat32));
  if (q.scalar_type() == torch::kFloat32) {
    attend_all<float>(q, k, v, out.data_ptr<float>());
    return out;
  }
  attend_all<at::BFloat16>(q, k, v, out.data_ptr<float>());
  return out.to(torch::kBFloat16);
}

}  // namespace cradle
