#include "core/models/few_rows_linear.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace cradle {
namespace {

constexpr std::int64_t kMostRows = 4;

float widen(float value) { return value; }
float widen(std::uint16_t bfloat16_bits) {
  const std::uint32_t bits = static_cast<std::uint32_t>(bfloat16_bits) << 16;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// y[o] = Σ w[o, i] x[i] for o in [first, last), one output at a time.
template <class Weight>
void dot_rows_plain(const Weight* w, std::int64_t in, const float* x, std::int64_t first, std::int64_t last, float* y) {
  for (std::int64_t o = first; o < last; ++o) {
    const Weight* row = w + o * in;
    float sum = 0;
    for (std::int64_t i = 0; i < in; ++i) sum += widen(row[i]) * x[i];
    y[o] = sum;
  }
}

#if defined(__x86_64__)

// Fetches the next pass's four rows at column i into the cache while this pass
// computes: the hardware's prefetcher alone stays too little ahead of four
// streams for the memory's latency (measured: 8 to 10% more at one token).
// `next` is the current rows on the last pass, so no address leaves the matrix.
template <class Weight>
inline void fetch_next_rows(const Weight* next, std::int64_t in, std::int64_t i) {
  for (std::int64_t j = 0; j < 4; ++j) _mm_prefetch(reinterpret_cast<const char*>(next + j * in + i), _MM_HINT_T0);
}

__attribute__((target("avx512f"))) inline __m512 load16(const float* p) { return _mm512_loadu_ps(p); }
__attribute__((target("avx512f"))) inline __m512 load16(const std::uint16_t* p) {
  const __m256i halves = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  // The zero-masked forms: the plain ones start from _mm512_undefined_*, which GCC 12 reports as
  // maybe-uninitialized once inlined.
  const __m512i widened = _mm512_maskz_cvtepu16_epi32(0xFFFF, halves);
  return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xFFFF, widened, 16));
}

// The sum of the 16 lanes, halved three times (not _mm512_reduce_add_ps, for the same warning).
__attribute__((target("avx512f"))) inline float sum16(__m512 v) {
  v = _mm512_add_ps(v, _mm512_maskz_shuffle_f32x4(0xFFFF, v, v, 0xEE));  // + lanes 8..15
  v = _mm512_add_ps(v, _mm512_maskz_shuffle_f32x4(0xFFFF, v, v, 0x55));  // + lanes 4..7
  v = _mm512_add_ps(v, _mm512_maskz_permute_ps(0xFFFF, v, 0x4E));        // + lanes 2..3
  v = _mm512_add_ps(v, _mm512_maskz_permute_ps(0xFFFF, v, 0xB1));        // + lane 1
  return _mm512_cvtss_f32(v);
}

// Four weight rows against x per pass: four independent sums hide the
// multiply-add latency and x is loaded once for the four.
template <class Weight>
__attribute__((target("avx512f"))) void dot_rows_avx512(const Weight* w, std::int64_t in, const float* x,
                                                        std::int64_t first, std::int64_t last, float* y) {
  const std::int64_t whole = in / 16 * 16;
  std::int64_t o = first;
  for (; o + 4 <= last; o += 4) {
    const Weight* r = w + o * in;
    const Weight* next = o + 8 <= last ? r + 4 * in : r;
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    for (std::int64_t i = 0; i < whole; i += 16) {
      const __m512 xs = _mm512_loadu_ps(x + i);
      fetch_next_rows(next, in, i);
      s0 = _mm512_fmadd_ps(load16(r + i), xs, s0);
      s1 = _mm512_fmadd_ps(load16(r + in + i), xs, s1);
      s2 = _mm512_fmadd_ps(load16(r + 2 * in + i), xs, s2);
      s3 = _mm512_fmadd_ps(load16(r + 3 * in + i), xs, s3);
    }
    float sums[4] = {sum16(s0), sum16(s1), sum16(s2), sum16(s3)};
    for (int j = 0; j < 4; ++j) {
      for (std::int64_t i = whole; i < in; ++i) sums[j] += widen(r[j * in + i]) * x[i];
      y[o + j] = sums[j];
    }
  }
  dot_rows_plain(w, in, x, o, last, y);
}

__attribute__((target("avx2,fma"))) inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
__attribute__((target("avx2,fma"))) inline __m256 load8(const std::uint16_t* p) {
  const __m128i halves = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(halves), 16));
}

__attribute__((target("avx2,fma"))) inline float sum8(__m256 v) {
  const __m128 four = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

template <class Weight>
__attribute__((target("avx2,fma"))) void dot_rows_avx2(const Weight* w, std::int64_t in, const float* x,
                                                       std::int64_t first, std::int64_t last, float* y) {
  const std::int64_t whole = in / 8 * 8;
  std::int64_t o = first;
  for (; o + 4 <= last; o += 4) {
    const Weight* r = w + o * in;
    const Weight* next = o + 8 <= last ? r + 4 * in : r;
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    for (std::int64_t i = 0; i < whole; i += 8) {
      const __m256 xs = _mm256_loadu_ps(x + i);
      fetch_next_rows(next, in, i);
      s0 = _mm256_fmadd_ps(load8(r + i), xs, s0);
      s1 = _mm256_fmadd_ps(load8(r + in + i), xs, s1);
      s2 = _mm256_fmadd_ps(load8(r + 2 * in + i), xs, s2);
      s3 = _mm256_fmadd_ps(load8(r + 3 * in + i), xs, s3);
    }
    float sums[4] = {sum8(s0), sum8(s1), sum8(s2), sum8(s3)};
    for (int j = 0; j < 4; ++j) {
      for (std::int64_t i = whole; i < in; ++i) sums[j] += widen(r[j * in + i]) * x[i];
      y[o + j] = sums[j];
    }
  }
  dot_rows_plain(w, in, x, o, last, y);
}

// Two rows of x against four weight rows per pass: each weight vector is
// loaded once for both rows (a batch's products were bound by the loads). Each
// (row, output) sum is the same chain of multiply-adds, the same reduction and
// the same tail as dot_rows_avx2's, so a row's outputs are the bits it gets alone.
template <class Weight>
__attribute__((target("avx2,fma"))) void dot_two_rows_avx2(const Weight* w, std::int64_t in, const float* xa,
                                                           const float* xb, std::int64_t first, std::int64_t last,
                                                           float* ya, float* yb) {
  const std::int64_t whole = in / 8 * 8;
  std::int64_t o = first;
  for (; o + 4 <= last; o += 4) {
    const Weight* r = w + o * in;
    const Weight* next = o + 8 <= last ? r + 4 * in : r;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
    for (std::int64_t i = 0; i < whole; i += 8) {
      const __m256 x0 = _mm256_loadu_ps(xa + i), x1 = _mm256_loadu_ps(xb + i);
      fetch_next_rows(next, in, i);
      const __m256 w0 = load8(r + i), w1 = load8(r + in + i), w2 = load8(r + 2 * in + i), w3 = load8(r + 3 * in + i);
      a0 = _mm256_fmadd_ps(w0, x0, a0);
      b0 = _mm256_fmadd_ps(w0, x1, b0);
      a1 = _mm256_fmadd_ps(w1, x0, a1);
      b1 = _mm256_fmadd_ps(w1, x1, b1);
      a2 = _mm256_fmadd_ps(w2, x0, a2);
      b2 = _mm256_fmadd_ps(w2, x1, b2);
      a3 = _mm256_fmadd_ps(w3, x0, a3);
      b3 = _mm256_fmadd_ps(w3, x1, b3);
    }
    float sa[4] = {sum8(a0), sum8(a1), sum8(a2), sum8(a3)};
    float sb[4] = {sum8(b0), sum8(b1), sum8(b2), sum8(b3)};
    for (int j = 0; j < 4; ++j) {
      for (std::int64_t i = whole; i < in; ++i) sa[j] += widen(r[j * in + i]) * xa[i];
      for (std::int64_t i = whole; i < in; ++i) sb[j] += widen(r[j * in + i]) * xb[i];
      ya[o + j] = sa[j];
      yb[o + j] = sb[j];
    }
  }
  dot_rows_plain(w, in, xa, o, last, ya);
  dot_rows_plain(w, in, xb, o, last, yb);
}

// 32 bfloat16 values as the pairs _mm512_dpbf16_ps takes.
__attribute__((target("avx512f,avx512bf16"))) inline __m512bh pairs(const std::uint16_t* p) {
  return reinterpret_cast<__m512bh>(_mm512_loadu_si512(p));
}

// bfloat16 weights against x in bfloat16 on processors with AVX512_BF16: one
// instruction multiplies 32 pairs and adds each pair's two products into 16
// float32 sums, so a weight is neither widened nor shuffled before its product.
// x is the model's own bfloat16 activation, so nothing is rounded that the
// widening kernels keep; the order of the float32 additions differs, and the
// instruction counts denormals (below about 1e-38) as zero.
__attribute__((target("avx512f,avx512bf16"))) void dot_rows_avx512_bf16(const std::uint16_t* w, std::int64_t in,
                                                                        const std::uint16_t* x, std::int64_t first,
                                                                        std::int64_t last, float* y) {
  const std::int64_t whole = in / 32 * 32;
  for (std::int64_t o = first; o < last; o += 4) {
    const std::int64_t count = std::min<std::int64_t>(4, last - o);
    const std::uint16_t* r = w + o * in;
    __m512 sums[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    if (count == 4) {
      const std::uint16_t* next = o + 8 <= last ? r + 4 * in : r;
      for (std::int64_t i = 0; i < whole; i += 32) {
        const __m512bh xs = pairs(x + i);
        fetch_next_rows(next, in, i);
        sums[0] = _mm512_dpbf16_ps(sums[0], pairs(r + i), xs);
        sums[1] = _mm512_dpbf16_ps(sums[1], pairs(r + in + i), xs);
        sums[2] = _mm512_dpbf16_ps(sums[2], pairs(r + 2 * in + i), xs);
        sums[3] = _mm512_dpbf16_ps(sums[3], pairs(r + 3 * in + i), xs);
      }
    } else {
      for (std::int64_t j = 0; j < count; ++j)
        for (std::int64_t i = 0; i < whole; i += 32)
          sums[j] = _mm512_dpbf16_ps(sums[j], pairs(r + j * in + i), pairs(x + i));
    }
    for (std::int64_t j = 0; j < count; ++j) {
      float sum = sum16(sums[j]);
      for (std::int64_t i = whole; i < in; ++i) sum += widen(r[j * in + i]) * widen(x[i]);
      y[o + j] = sum;
    }
  }
}

#endif

RowKernel best_kernel() {
  static const RowKernel kernel = row_kernel_supported(RowKernel::Avx512Bf16) ? RowKernel::Avx512Bf16
                                  : row_kernel_supported(RowKernel::Avx512)   ? RowKernel::Avx512
                                  : row_kernel_supported(RowKernel::Avx2)     ? RowKernel::Avx2
                                                                              : RowKernel::Plain;
  return kernel;
}

template <class Weight>
void dot_rows(RowKernel kernel, const Weight* w, std::int64_t in, const float* x, std::int64_t first, std::int64_t last,
              float* y) {
  switch (kernel) {
#if defined(__x86_64__)
    case RowKernel::Avx512Bf16:  // float32 weights, or x not given in bfloat16
    case RowKernel::Avx512: return dot_rows_avx512(w, in, x, first, last, y);
    case RowKernel::Avx2: return dot_rows_avx2(w, in, x, first, last, y);
#endif
    default: return dot_rows_plain(w, in, x, first, last, y);
  }
}

#if defined(__x86_64__)
void dot_rows(RowKernel kernel, const std::uint16_t* w, std::int64_t in, const std::uint16_t* x, std::int64_t first,
              std::int64_t last, float* y) {
  dot_rows_avx512_bf16(w, in, x, first, last, y);
}
#endif

// X is float (every kernel) or the bfloat16 bits of x (RowKernel::Avx512Bf16 only).
template <class Weight, class X>
void product(RowKernel kernel, const Weight* w, std::int64_t out, std::int64_t in, const X* x, std::int64_t rows,
             float* y) {
  // Blocks of at least ~64 KiB of weights per thread; multiples of 4 rows keep the four-row passes whole.
  const std::int64_t grain =
      std::max<std::int64_t>(4, (65536 / static_cast<std::int64_t>(sizeof(Weight)) / in) / 4 * 4);
  // Within a thread's share, blocks of ~16 KiB of weights (whole four-output passes) go through
  // every row of x while they sit in the first-level cache. Each (row, output) sum is the same
  // pass whatever the blocks.
  const std::int64_t block =
      std::max<std::int64_t>(4, (16384 / static_cast<std::int64_t>(sizeof(Weight)) / in) / 4 * 4);
  at::parallel_for(0, (out + 3) / 4, (grain + 3) / 4, [&](std::int64_t begin, std::int64_t end) {
    const std::int64_t last = std::min(end * 4, out);
    for (std::int64_t first = begin * 4; first < last; first += block) {
      const std::int64_t block_end = std::min(first + block, last);
      std::int64_t r = 0;
#if defined(__x86_64__)
      if constexpr (std::is_same_v<X, float>)
        if (kernel == RowKernel::Avx2)
          for (; r + 2 <= rows; r += 2)
            dot_two_rows_avx2(w, in, x + r * in, x + (r + 1) * in, first, block_end, y + r * out, y + (r + 1) * out);
#endif
      for (; r < rows; ++r) dot_rows(kernel, w, in, x + r * in, first, block_end, y + r * out);
    }
  });
}

// The float32 sums as a bfloat16 tensor of x's shape with `out` last, each rounded to nearest even.
torch::Tensor rounded_to_bfloat16(const std::vector<float>& y32, std::int64_t rows, std::int64_t out,
                                  c10::IntArrayRef x_shape) {
  auto y = torch::empty({rows, out}, torch::kBFloat16);
  auto* target = y.data_ptr<at::BFloat16>();
  for (std::size_t i = 0; i < y32.size(); ++i) target[i] = at::BFloat16(y32[i]);
  auto shape = x_shape.vec();
  shape.back() = out;
  return y.view(shape);
}

// x·W for W stored [in, out] (GPT-2's Conv1D): each output column is a sum down
// the rows, so a tile of columns keeps its sums in registers while W's rows go
// by, each row's stretch of the tile read once and contiguously.
template <class Weight>
void column_tiles_plain(const Weight* w, std::int64_t in, std::int64_t out, const float* x, std::int64_t first,
                        std::int64_t last, float* y) {
  for (std::int64_t o = first; o < last; ++o) y[o] = 0;
  for (std::int64_t i = 0; i < in; ++i)
    for (std::int64_t o = first; o < last; ++o) y[o] += x[i] * widen(w[i * out + o]);
}

#if defined(__x86_64__)

// Eight vectors of sums: 128 columns (512 bytes of float32 weights per row).
template <class Weight>
__attribute__((target("avx512f"))) void column_tiles_avx512(const Weight* w, std::int64_t in, std::int64_t out,
                                                            const float* x, std::int64_t first, std::int64_t last,
                                                            float* y) {
  std::int64_t o = first;
  for (; o + 128 <= last; o += 128) {
    __m512 sums[8];
    for (auto& sum : sums) sum = _mm512_setzero_ps();
    for (std::int64_t i = 0; i < in; ++i) {
      const Weight* row = w + i * out + o;
      const __m512 xi = _mm512_set1_ps(x[i]);
      for (int k = 0; k < 8; ++k) sums[k] = _mm512_fmadd_ps(load16(row + 16 * k), xi, sums[k]);
    }
    for (int k = 0; k < 8; ++k) _mm512_storeu_ps(y + o + 16 * k, sums[k]);
  }
  column_tiles_plain(w, in, out, x, o, last, y);
}

// Eight vectors of sums: 64 columns.
template <class Weight>
__attribute__((target("avx2,fma"))) void column_tiles_avx2(const Weight* w, std::int64_t in, std::int64_t out,
                                                           const float* x, std::int64_t first, std::int64_t last,
                                                           float* y) {
  std::int64_t o = first;
  for (; o + 64 <= last; o += 64) {
    __m256 sums[8];
    for (auto& sum : sums) sum = _mm256_setzero_ps();
    for (std::int64_t i = 0; i < in; ++i) {
      const Weight* row = w + i * out + o;
      const __m256 xi = _mm256_set1_ps(x[i]);
      for (int k = 0; k < 8; ++k) sums[k] = _mm256_fmadd_ps(load8(row + 8 * k), xi, sums[k]);
    }
    for (int k = 0; k < 8; ++k) _mm256_storeu_ps(y + o + 8 * k, sums[k]);
  }
  column_tiles_plain(w, in, out, x, o, last, y);
}

#endif

template <class Weight>
void column_tiles(RowKernel kernel, const Weight* w, std::int64_t in, std::int64_t out, const float* x,
                  std::int64_t first, std::int64_t last, float* y) {
  switch (kernel) {
#if defined(__x86_64__)
    case RowKernel::Avx512Bf16:
    case RowKernel::Avx512: return column_tiles_avx512(w, in, out, x, first, last, y);
    case RowKernel::Avx2: return column_tiles_avx2(w, in, out, x, first, last, y);
#endif
    default: return column_tiles_plain(w, in, out, x, first, last, y);
  }
}

constexpr std::int64_t kColumnTile = 128;  // a multiple of both tiles: a thread's block splits into whole ones

template <class Weight>
void transposed_product(RowKernel kernel, const Weight* w, std::int64_t in, std::int64_t out, const float* x,
                        std::int64_t rows, float* y) {
  // Whole tiles per thread, at least ~64 KiB of weights each.
  const std::int64_t tiles = (out + kColumnTile - 1) / kColumnTile;
  const std::int64_t grain =
      std::max<std::int64_t>(1, 65536 / static_cast<std::int64_t>(sizeof(Weight)) / (in * kColumnTile));
  at::parallel_for(0, tiles, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = 0; r < rows; ++r)
      column_tiles(kernel, w, in, out, x + r * in, begin * kColumnTile, std::min(end * kColumnTile, out), y + r * out);
  });
}

}  // namespace

bool row_kernel_supported(RowKernel kernel) {
  switch (kernel) {
    case RowKernel::Automatic:
    case RowKernel::Plain: return true;
#if defined(__x86_64__)
    case RowKernel::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RowKernel::Avx512: return __builtin_cpu_supports("avx512f");
    case RowKernel::Avx512Bf16: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
#endif
    default: return false;
  }
}

namespace {

// Both products' conditions; `in_dim` is the weight's dimension that x's last one meets.
bool few_rows_product_applies(const torch::Tensor& x, const torch::Tensor& weight, std::int64_t in_dim,
                              std::int64_t most_rows = kMostRows) {
  const auto type = weight.scalar_type();
  if (!x.device().is_cpu() || !weight.device().is_cpu() || x.scalar_type() != type) return false;
  if (type != torch::kFloat32 && type != torch::kBFloat16) return false;
  if (weight.dim() != 2 || !weight.is_contiguous() || x.dim() < 1 || x.size(-1) != weight.size(in_dim)) return false;
  if (x.numel() == 0 || x.numel() / x.size(-1) > most_rows || at::autocast::is_cpu_enabled()) return false;
  return !torch::GradMode::is_enabled() || (!x.requires_grad() && !weight.requires_grad());
}

}  // namespace

bool few_rows_linear_applies(const torch::Tensor& x, const torch::Tensor& weight) {
  return few_rows_product_applies(x, weight, 1);
}

namespace {

// x · weightᵀ row by row, each row's sums in the same order whatever the number of rows.
torch::Tensor rows_product(const torch::Tensor& x, const torch::Tensor& weight, RowKernel kernel) {
  if (kernel == RowKernel::Automatic) kernel = best_kernel();
  const std::int64_t in = weight.size(1), out = weight.size(0), rows = x.numel() / in;
  // bfloat16's conversions happen here rather than as ATen operators: at one token their
  // dispatch and allocation cost more than the arithmetic.
  const bool bfloat16 = weight.scalar_type() == torch::kBFloat16;
  const auto x_in = x.contiguous();
#if defined(__x86_64__)
  if (bfloat16 && kernel == RowKernel::Avx512Bf16) {
    std::vector<float> y32(static_cast<std::size_t>(rows * out));
    product(kernel, reinterpret_cast<const std::uint16_t*>(weight.data_ptr<at::BFloat16>()), out, in,
            reinterpret_cast<const std::uint16_t*>(x_in.data_ptr<at::BFloat16>()), rows, y32.data());
    return rounded_to_bfloat16(y32, rows, out, x.sizes());
  }
#endif
  if (!bfloat16) {
    auto y = torch::empty({rows, out}, weight.options());
    product(kernel, weight.data_ptr<float>(), out, in, x_in.data_ptr<float>(), rows, y.data_ptr<float>());
    auto shape = x.sizes().vec();
    shape.back() = out;
    return y.view(shape);
  }
  // bfloat16 without AVX512_BF16: x widened once, each weight widened as it is read.
  std::vector<float> x32(static_cast<std::size_t>(rows * in));
  const auto* source = reinterpret_cast<const std::uint16_t*>(x_in.data_ptr<at::BFloat16>());
  for (std::size_t i = 0; i < x32.size(); ++i) x32[i] = widen(source[i]);
  std::vector<float> y32(static_cast<std::size_t>(rows * out));
  product(kernel, reinterpret_cast<const std::uint16_t*>(weight.data_ptr<at::BFloat16>()), out, in, x32.data(), rows,
          y32.data());
  return rounded_to_bfloat16(y32, rows, out, x.sizes());
}

}  // namespace

torch::Tensor few_rows_linear(const torch::Tensor& x, const torch::Tensor& weight, RowKernel kernel) {
  TORCH_CHECK(few_rows_linear_applies(x, weight), "few_rows_linear: input ", x.sizes(), " of ", x.scalar_type(),
              " against weight ", weight.sizes(), " of ", weight.scalar_type(), " is not a product it takes");
  TORCH_CHECK(row_kernel_supported(kernel), "few_rows_linear: kernel ", static_cast<int>(kernel),
              " does not run on this processor");
  return rows_product(x, weight, kernel);
}

bool row_independent_linear_applies(const torch::Tensor& x, const torch::Tensor& weight) {
  return few_rows_product_applies(x, weight, 1, std::numeric_limits<std::int64_t>::max());
}

torch::Tensor row_independent_linear(const torch::Tensor& x, const torch::Tensor& weight) {
  TORCH_CHECK(row_independent_linear_applies(x, weight), "row_independent_linear: input ", x.sizes(), " of ",
              x.scalar_type(), " against weight ", weight.sizes(), " of ", weight.scalar_type(),
              " is not a product it takes");
  return rows_product(x, weight, RowKernel::Automatic);
}

bool few_rows_linear_transposed_applies(const torch::Tensor& x, const torch::Tensor& weight) {
  return few_rows_product_applies(x, weight, 0);
}

torch::Tensor few_rows_linear_transposed(const torch::Tensor& x, const torch::Tensor& weight, RowKernel kernel) {
  TORCH_CHECK(few_rows_linear_transposed_applies(x, weight), "few_rows_linear_transposed: input ", x.sizes(), " of ",
              x.scalar_type(), " against weight ", weight.sizes(), " of ", weight.scalar_type(),
              " stored [in, out] is not a product it takes");
  TORCH_CHECK(row_kernel_supported(kernel), "few_rows_linear_transposed: kernel ", static_cast<int>(kernel),
              " does not run on this processor");
  if (kernel == RowKernel::Automatic) kernel = best_kernel();
  const std::int64_t in = weight.size(0), out = weight.size(1), rows = x.numel() / in;
  const auto x_in = x.contiguous().to(torch::kFloat32);  // a few rows: the conversion costs nothing here
  if (weight.scalar_type() == torch::kFloat32) {
    auto y = torch::empty({rows, out}, weight.options());
    transposed_product(kernel, weight.data_ptr<float>(), in, out, x_in.data_ptr<float>(), rows, y.data_ptr<float>());
    auto shape = x.sizes().vec();
    shape.back() = out;
    return y.view(shape);
  }
  std::vector<float> y32(static_cast<std::size_t>(rows * out));
  transposed_product(kernel, reinterpret_cast<const std::uint16_t*>(weight.data_ptr<at::BFloat16>()), in, out,
                     x_in.data_ptr<float>(), rows, y32.data());
  return rounded_to_bfloat16(y32, rows, out, x.sizes());
}

}  // namespace cradle
