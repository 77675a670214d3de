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

// Everything below is inlined into two copies of attend_units, one compiled
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

// One sequence's newest position: its query heads (H·D contiguous values) and
// its keys and values (KVH heads of `length` rows of D contiguous values).
template <class T>
struct QueryAgainstCache {
  const T *q, *k, *v;
  std::int64_t length;
  std::int64_t key_row, key_head;  // strides of k in elements
  std::int64_t value_row, value_head;
};

template <class T>
struct Queries {
  const std::vector<QueryAgainstCache<T>>& sequences;
  std::int64_t heads, group, width;
};

// Units [begin, end), a unit being one query head of one sequence: its scaled
// scores against every key, their softmax, and the values weighted by it, into
// out (D floats per unit). `scratch` holds the longest length + D floats.
// A unit's arithmetic depends on nothing but its own sequence.
template <class T>
CRADLE_INLINE void attend_units(const Queries<T>& s, std::int64_t begin, std::int64_t end, float* scratch, float* out) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.width));
  float* q = scratch;
  float* scores = scratch + s.width;
  for (std::int64_t unit = begin; unit < end; ++unit) {
    const auto& one = s.sequences[static_cast<std::size_t>(unit / s.heads)];
    const std::int64_t head = unit % s.heads, kv = head / s.group;
    const T* keys = one.k + kv * one.key_head;
    const T* values = one.v + kv * one.value_head;
    for (std::int64_t d = 0; d < s.width; ++d) q[d] = as_float(one.q[head * s.width + d]) * scale;
    float largest = -INFINITY;
    for (std::int64_t t = 0; t < one.length; ++t) {
      scores[t] = dot(q, keys + t * one.key_row, s.width);
      largest = std::max(largest, scores[t]);
    }
    float total = 0;
    for (std::int64_t t = 0; t < one.length; ++t) total += (scores[t] = std::exp(scores[t] - largest));
    float* y = out + unit * s.width;
    std::fill(y, y + s.width, 0.0f);
    for (std::int64_t t = 0; t < one.length; ++t) {
      const float weight = scores[t] / total;
      const T* row = values + t * one.value_row;
      for (std::int64_t d = 0; d < s.width; ++d) y[d] += weight * as_float(row[d]);
    }
  }
}

template <class T>
void attend_units_plain(const Queries<T>& s, std::int64_t begin, std::int64_t end, float* scratch, float* out) {
  attend_units(s, begin, end, scratch, out);
}

#if defined(__x86_64__)
template <class T>
__attribute__((target("avx2,fma"))) void attend_units_avx2(const Queries<T>& s, std::int64_t begin, std::int64_t end,
                                                           float* scratch, float* out) {
  attend_units(s, begin, end, scratch, out);
}
#endif

// Every unit of every sequence in one parallel pass into out [S, H·D].
template <class T>
void attend_all(const Queries<T>& s, float* out) {
  auto* run = &attend_units_plain<T>;
#if defined(__x86_64__)
  if (row_kernel_supported(RowKernel::Avx2)) run = &attend_units_avx2<T>;
#endif
  std::int64_t longest = 1, keys = 0;
  for (const auto& one : s.sequences) {
    longest = std::max(longest, one.length);
    keys += one.length;
  }
  const auto units = static_cast<std::int64_t>(s.sequences.size()) * s.heads;
  // A thread's share at least ~32k multiply-adds, so short contexts stay on one thread.
  const std::int64_t per_unit =
      std::max<std::int64_t>(1, 2 * keys * s.width / std::max<std::int64_t>(1, units / s.heads));
  const std::int64_t grain = std::max<std::int64_t>(1, 32768 / per_unit);
  at::parallel_for(0, units, grain, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> scratch(static_cast<std::size_t>(longest + s.width));
    run(s, begin, end, scratch.data(), out);
  });
}

// Rounded once to the queries' type.
torch::Tensor in_type_of(torch::Tensor out, torch::ScalarType type) {
  return type == torch::kFloat32 ? out : out.to(type);
}

template <class T>
QueryAgainstCache<T> against(const T* q, const torch::Tensor& k, const torch::Tensor& v, std::int64_t length) {
  return {q, k.data_ptr<T>(), v.data_ptr<T>(), length, k.stride(2), k.stride(1), v.stride(2), v.stride(1)};
}

template <class T>
torch::Tensor attend_batch(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
  const auto query = q.contiguous();
  const std::int64_t batch = q.size(0), heads = q.size(1), width = q.size(3);
  std::vector<QueryAgainstCache<T>> sequences;
  for (std::int64_t b = 0; b < batch; ++b)
    sequences.push_back(
        against<T>(query.data_ptr<T>() + b * heads * width, k[b].unsqueeze(0), v[b].unsqueeze(0), k.size(2)));
  auto out = torch::empty({batch, 1, heads * width}, q.options().dtype(torch::kFloat32));
  attend_all(Queries<T>{sequences, heads, heads / k.size(1), width}, out.data_ptr<float>());
  return out;
}

template <class T>
torch::Tensor attend_each(const torch::Tensor& queries, const std::vector<torch::Tensor>& keys,
                          const std::vector<torch::Tensor>& values, const std::vector<std::int64_t>& lengths) {
  const std::int64_t count = queries.size(0), heads = queries.size(1), width = queries.size(2);
  std::vector<QueryAgainstCache<T>> sequences;
  for (std::int64_t s = 0; s < count; ++s) {
    const auto i = static_cast<std::size_t>(s);
    sequences.push_back(against<T>(queries.data_ptr<T>() + s * queries.stride(0), keys[i], values[i], lengths[i]));
  }
  auto out = torch::empty({count, heads * width}, queries.options().dtype(torch::kFloat32));
  attend_all(Queries<T>{sequences, heads, heads / keys.front().size(1), width}, out.data_ptr<float>());
  return out;
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
  if (q.scalar_type() == torch::kFloat32) return attend_batch<float>(q, k, v);
  return in_type_of(attend_batch<at::BFloat16>(q, k, v), q.scalar_type());
}

bool one_query_attention_each_applies(const torch::Tensor& queries, const std::vector<torch::Tensor>& keys,
                                      const std::vector<torch::Tensor>& values,
                                      const std::vector<std::int64_t>& lengths) {
  const auto type = queries.scalar_type();
  if (torch::GradMode::is_enabled() || !queries.device().is_cpu() || queries.dim() != 3 ||
      (type != torch::kFloat32 && type != torch::kBFloat16) || queries.stride(2) != 1 ||
      queries.stride(1) != queries.size(2) || queries.size(0) < 1)
    return false;
  const auto count = static_cast<std::size_t>(queries.size(0));
  if (keys.size() != count || values.size() != count || lengths.size() != count) return false;
  for (std::size_t s = 0; s < count; ++s) {
    const auto &k = keys[s], &v = values[s];
    if (!k.device().is_cpu() || !v.device().is_cpu() || k.scalar_type() != type || v.scalar_type() != type ||
        k.dim() != 4 || k.sizes() != v.sizes() || k.size(0) != 1 || k.size(3) != queries.size(2) || k.size(1) < 1 ||
        queries.size(1) % k.size(1) != 0 || k.size(1) != keys.front().size(1) || k.stride(3) != 1 || v.stride(3) != 1 ||
        lengths[s] < 1 || lengths[s] > k.size(2))
      return false;
  }
  return true;
}

torch::Tensor one_query_attention_each(const torch::Tensor& queries, const std::vector<torch::Tensor>& keys,
                                       const std::vector<torch::Tensor>& values,
                                       const std::vector<std::int64_t>& lengths) {
  TORCH_CHECK(one_query_attention_each_applies(queries, keys, values, lengths), "one_query_attention_each: queries ",
              queries.sizes(), " of ", queries.scalar_type(), " against ", keys.size(),
              " caches is not an attention it takes");
  if (queries.scalar_type() == torch::kFloat32) return attend_each<float>(queries, keys, values, lengths);
  return in_type_of(attend_each<at::BFloat16>(queries, keys, values, lengths), queries.scalar_type());
}

}  // namespace cradle
