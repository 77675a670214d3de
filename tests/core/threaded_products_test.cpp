// The products Cradle runs on every core itself (core/models/threaded_gemm.h,
// threaded_linear.h, batched_matmul.h) and the grouped-query attention built
// on them (causal_attention.h), and generation's one-pass kernels
// (few_rows_linear.h, rms_norm_rows.h, rotary_rows.h, one_query_attention.h),
// against ATen's own operators: values and gradients, in every layout and
// split they take.
#include <QTest>

#include <torch/torch.h>

#include <limits>

#include "core/models/batched_matmul.h"
#include "core/models/causal_attention.h"
#include "core/models/causal_language_model.h"
#include "core/models/few_rows_linear.h"
#include "core/models/one_query_attention.h"
#include "core/models/rms_norm_rows.h"
#include "core/models/rotary_rows.h"
#include "core/models/threaded_gemm.h"
#include "core/models/threaded_linear.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

// Float32 sums in another order differ by about √k roundings of the terms; 1e-5 holds for k up to ~100.
bool threaded_close_to(const torch::Tensor& a, const torch::Tensor& b, double absolute = 1e-5) {
  return torch::allclose(a, b, 1e-4, absolute);
}

struct ThreadedGradients {
  torch::Tensor output, x, weight, bias;
};

// Output and gradients of f(x, weight, bias) against a fixed upstream gradient.
template <class Product>
ThreadedGradients threaded_gradients_of(Product product, const torch::Tensor& x, const torch::Tensor& weight,
                                        const torch::Tensor& bias, const torch::Tensor& upstream) {
  const auto xg = x.detach().clone().requires_grad_();
  const auto wg = weight.detach().clone().requires_grad_(weight.requires_grad());
  const auto bg = bias.defined() ? bias.detach().clone().requires_grad_() : torch::Tensor();
  const auto y = product(xg, wg, bg);
  y.backward(upstream);
  return {y.detach(), xg.grad(), wg.grad(), bg.defined() ? bg.grad() : torch::Tensor()};
}

}  // namespace

class ThreadedProductsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY(threaded_gemm_available()); }

  void threadedLinearMatchesATenInBothWeightLayouts() {
    torch::manual_seed(11);
    // 600 rows x 128 outputs x 96 inputs: enough work to be split across threads.
    const auto x = torch::randn({2, 300, 96});
    for (const bool transposed : {false, true}) {
      for (const bool with_bias : {false, true}) {
        const auto weight = (transposed ? torch::randn({96, 128}) : torch::randn({128, 96})).requires_grad_();
        const auto bias = with_bias ? torch::randn({128}) : torch::Tensor();
        const auto upstream = torch::randn({2, 300, 128});
        const auto ours =
            threaded_gradients_of([&](const torch::Tensor& a, const torch::Tensor& w,
                                      const torch::Tensor& b) { return threaded_linear(a, w, b, transposed); },
                                  x, weight, bias, upstream);
        const auto aten = threaded_gradients_of(
            [&](const torch::Tensor& a, const torch::Tensor& w, const torch::Tensor& b) {
              const auto y = transposed ? torch::matmul(a, w) : torch::nn::functional::linear(a, w);
              return b.defined() ? y + b : y;
            },
            x, weight, bias, upstream);
        const QByteArray what = QByteArray(transposed ? "weight [in, out]" : "weight [out, in]") +
                                (with_bias ? " with bias" : " without bias");
        QCOMPARE(ours.output.sizes(), aten.output.sizes());
        QVERIFY2(threaded_close_to(ours.output, aten.output), what);
        QVERIFY2(threaded_close_to(ours.x, aten.x), what);
        QVERIFY2(threaded_close_to(ours.weight, aten.weight), what);
        if (with_bias) QVERIFY2(threaded_close_to(ours.bias, aten.bias), what);
      }
    }
  }

  void frozenWeightGetsNoGradient() {
    torch::manual_seed(12);
    const auto x = torch::randn({64, 80}).requires_grad_();
    const auto weight = torch::randn({200, 80});  // frozen, as a LoRA base
    threaded_linear(x, weight, {}).sum().backward();
    QVERIFY(!weight.grad().defined());
    QVERIFY(threaded_close_to(x.grad(), weight.sum(0).expand({64, 80})));
  }

  void oneRowSplitsTheOutputs() {
    // Generation's single token: the split runs along the outputs instead of the rows.
    torch::manual_seed(13);
    const auto x = torch::randn({1, 576}), weight = torch::randn({1536, 576});
    torch::NoGradGuard no_grad;
    QVERIFY(threaded_close_to(threaded_linear(x, weight, {}), torch::matmul(x, weight.t()), 2e-4));
    // And the raw product with every transpose combination, blocks of rows and of columns.
    for (const bool ta : {false, true}) {
      for (const bool tb : {false, true}) {
        for (const auto& [m, n] : {std::pair<std::int64_t, std::int64_t>{700, 300}, {300, 700}}) {
          const std::int64_t k = 70;
          const auto a = ta ? torch::randn({k, m}) : torch::randn({m, k});
          const auto b = tb ? torch::randn({n, k}) : torch::randn({k, n});
          auto c = torch::empty({m, n});
          threaded_gemm(ta, tb, m, n, k, a.data_ptr<float>(), a.size(1), b.data_ptr<float>(), b.size(1),
                        c.data_ptr<float>(), n);
          const auto expected = torch::matmul(ta ? a.t() : a, tb ? b.t() : b);
          QVERIFY2(threaded_close_to(c, expected),
                   qPrintable(QString("transpose a %1, b %2, m %3, n %4").arg(ta).arg(tb).arg(m).arg(n)));
        }
      }
    }
  }

  void fewRowsLinearMatchesATenWithEveryKernel() {
    // Generation's product: 1 to 4 rows, outputs and widths that are not multiples of the vector
    // lengths (tails), and SmolLM's MLP shape split across threads; each kernel this processor runs.
    torch::manual_seed(16);
    torch::NoGradGuard no_grad;
    for (const auto kernel : {RowKernel::Plain, RowKernel::Avx2, RowKernel::Avx512, RowKernel::Avx512Bf16}) {
      if (!row_kernel_supported(kernel)) continue;
      for (const auto& [out, in] : {std::pair<std::int64_t, std::int64_t>{37, 70}, {1536, 576}, {5, 3}}) {
        for (const std::int64_t rows : {1, 3, 4}) {
          const auto x = torch::randn({rows, in}), weight = torch::randn({out, in});
          const QByteArray what = QByteArray("kernel ") + QByteArray::number(static_cast<int>(kernel)) + ", " +
                                  QByteArray::number(qint64(rows)) + " x " + QByteArray::number(qint64(in)) + " -> " +
                                  QByteArray::number(qint64(out));
          const auto y = few_rows_linear(x, weight, kernel);
          QVERIFY2(threaded_close_to(y, torch::matmul(x, weight.t()), 2e-4), what + " float32");
          // bfloat16: the same products of the rounded values, accumulated in float32, rounded once.
          const auto xb = x.to(torch::kBFloat16), wb = weight.to(torch::kBFloat16);
          const auto yb = few_rows_linear(xb, wb, kernel);
          QCOMPARE(yb.scalar_type(), torch::kBFloat16);
          const auto expected = torch::matmul(xb.to(torch::kFloat32), wb.to(torch::kFloat32).t());
          QVERIFY2(torch::allclose(yb.to(torch::kFloat32), expected, 8e-3, 1e-2), what + " bfloat16");
        }
      }
    }
    // Through threaded_linear: one token of a [1, 1, in] input, with a bias.
    const auto x = torch::randn({1, 1, 96}), weight = torch::randn({40, 96}), bias = torch::randn({40});
    QVERIFY(few_rows_linear_applies(x, weight));
    const auto expected = torch::nn::functional::linear(x, weight, bias);
    QVERIFY(threaded_close_to(threaded_linear(x, weight, bias, false, /*evaluating=*/true), expected));
  }

  // Batched generation's product: any number of rows (pairs go through the
  // two-row pass where the processor has AVX2, an odd one alone), each row's
  // outputs the bits that row gets alone, and close to ATen's.
  void rowIndependentLinearGivesEachRowItsAloneBits() {
    torch::manual_seed(18);
    torch::NoGradGuard no_grad;
    for (const auto& [out, in] : {std::pair<std::int64_t, std::int64_t>{37, 70}, {1536, 576}, {5, 3}, {384, 128}}) {
      for (const auto type : {torch::kFloat32, torch::kBFloat16}) {
        const auto x = torch::randn({9, in}).to(type), weight = torch::randn({out, in}).to(type);
        QVERIFY(row_independent_linear_applies(x, weight));
        const auto together = row_independent_linear(x, weight);
        const QByteArray what = QByteArray::number(qint64(in)) + " -> " + QByteArray::number(qint64(out)) + " " +
                                QByteArray(c10::toString(type));
        for (std::int64_t r = 0; r < x.size(0); ++r)
          QVERIFY2(torch::equal(together[r], row_independent_linear(x.narrow(0, r, 1), weight)[0]),
                   what + ", row " + QByteArray::number(qint64(r)));
        const auto reference = torch::matmul(x.to(torch::kFloat32), weight.to(torch::kFloat32).t());
        QVERIFY2(type == torch::kFloat32 ? threaded_close_to(together, reference, 2e-4)
                                         : torch::allclose(together.to(torch::kFloat32), reference, 8e-3, 1e-2),
                 what);
      }
    }
  }

  void fewRowsLinearTransposedMatchesATen() {
    // GPT-2's Conv1D layout, weight [in, out]: column tiles split across threads, a tile's tail.
    torch::manual_seed(19);
    torch::NoGradGuard no_grad;
    for (const auto kernel : {RowKernel::Plain, RowKernel::Avx2, RowKernel::Avx512}) {
      if (!row_kernel_supported(kernel)) continue;
      for (const auto& [in, out] : {std::pair<std::int64_t, std::int64_t>{70, 37}, {576, 1536}, {3, 5}, {40, 300}}) {
        for (const std::int64_t rows : {1, 3, 4}) {
          const auto x = torch::randn({rows, in}), weight = torch::randn({in, out});
          const QByteArray what = QByteArray("kernel ") + QByteArray::number(static_cast<int>(kernel)) + ", " +
                                  QByteArray::number(qint64(rows)) + " x " + QByteArray::number(qint64(in)) + " -> " +
                                  QByteArray::number(qint64(out));
          QVERIFY2(few_rows_linear_transposed_applies(x, weight), what);
          QVERIFY2(threaded_close_to(few_rows_linear_transposed(x, weight, kernel), torch::matmul(x, weight), 2e-4),
                   what);
          const auto xb = x.to(torch::kBFloat16), wb = weight.to(torch::kBFloat16);
          const auto yb = few_rows_linear_transposed(xb, wb, kernel);
          QCOMPARE(yb.scalar_type(), torch::kBFloat16);
          const auto expected = torch::matmul(xb.to(torch::kFloat32), wb.to(torch::kFloat32));
          QVERIFY2(torch::allclose(yb.to(torch::kFloat32), expected, 8e-3, 1e-2), what + " bfloat16");
        }
      }
    }
    // Through threaded_linear with a bias, one token of [1, 1, in]; the [out, in] layout is not taken.
    const auto x = torch::randn({1, 1, 96}), weight = torch::randn({96, 40}), bias = torch::randn({40});
    QVERIFY(!few_rows_linear_transposed_applies(torch::randn({1, 40}), weight));
    QVERIFY(threaded_close_to(threaded_linear(x, weight, bias, /*weight_transposed=*/true, /*evaluating=*/true),
                              torch::matmul(x, weight) + bias));
  }

  void fewRowsLinearLeavesGradientsToAutograd() {
    const auto x = torch::randn({1, 8}).requires_grad_(), weight = torch::randn({4, 8});
    QVERIFY(!few_rows_linear_applies(x, weight));                     // x wants a gradient: the autograd product
    QVERIFY(!few_rows_linear_applies(torch::randn({5, 8}), weight));  // more rows than it takes
    QVERIFY(!few_rows_linear_applies(torch::randn({1, 8}).to(torch::kBFloat16), weight));  // mixed types
    threaded_linear(x, weight, {}).sum().backward();
    QVERIFY(threaded_close_to(x.grad(), weight.sum(0, true)));
  }

  void rotaryRowsEqualTheOperators() {
    // Bit for bit in float32 and bfloat16: each product and the sum rounded as ATen rounds them. x is
    // [B, heads, T, D] viewed from [B, T, heads, D] as the attention splits it (not contiguous).
    torch::manual_seed(17);
    for (const auto type : {torch::kFloat32, torch::kBFloat16}) {
      torch::NoGradGuard no_grad;
      for (const std::int64_t length : {1, 5}) {
        const auto x = torch::randn({2, length, 3, 8}).to(type).transpose(1, 2);
        const auto angles = torch::randn({length, 4});
        const auto cos = torch::cat({angles, angles}, -1).cos().to(type);
        const auto sin = torch::cat({angles, angles}, -1).sin().to(type);
        QVERIFY(rotary_rows_applies(x, cos, sin));
        const auto turned = torch::cat({-x.narrow(-1, 4, 4), x.narrow(-1, 0, 4)}, -1);
        const auto expected = x * cos + turned * sin;
        const auto ours = rotary_rows(x, cos, sin);
        QVERIFY(ours.is_contiguous());
        QVERIFY2(torch::equal(ours, expected), qPrintable(QString("%1 positions").arg(length)));
      }
    }
    const auto x = torch::randn({1, 2, 3, 8}), tables = torch::randn({3, 8});
    QVERIFY(!rotary_rows_applies(x.requires_grad_(), tables, tables));  // autograd's operators
    QVERIFY(!rotary_rows_applies(torch::randn({1, 2, 3, 7}), torch::randn({3, 7}), torch::randn({3, 7})));  // odd D
    QVERIFY(!rotary_rows_applies(torch::randn({1, 2, 3, 8}), tables.to(torch::kBFloat16), tables));  // mixed types
  }

  void rmsNormRowsMatchesTheOperators() {
    // transformers' LlamaRMSNorm: normalised in float32, rounded to x's type, times the weight.
    torch::manual_seed(18);
    torch::NoGradGuard no_grad;
    for (const auto type : {torch::kFloat32, torch::kBFloat16}) {
      const auto x = torch::randn({2, 3, 40}).to(type), weight = torch::randn({40}).to(type);
      QVERIFY(rms_norm_rows_applies(x, weight));
      const auto x32 = x.to(torch::kFloat32);
      const auto expected = weight * (x32 * torch::rsqrt(x32.pow(2).mean(-1, true) + 1e-5)).to(type);
      // One pass sums the squares in another order than ATen's mean: a rounding of float32, then of x's type.
      const double tolerance = type == torch::kFloat32 ? 1e-5 : 1e-2;
      QVERIFY2(torch::allclose(rms_norm_rows(x, weight, 1e-5).to(torch::kFloat32), expected.to(torch::kFloat32),
                               tolerance, tolerance),
               c10::toString(type));
    }
  }

  void batchedMatmulTransposedMatchesATen() {
    // Three stacks on two threads are cut into row blocks; both products and their gradients.
    torch::manual_seed(14);
    const auto a = torch::randn({3, 33, 16}).requires_grad_(), b = torch::randn({3, 20, 16}).requires_grad_();
    const auto upstream = torch::randn({3, 33, 20});
    batched_matmul_transposed(a, b).backward(upstream);
    const auto ga = a.grad().clone(), gb = b.grad().clone();
    a.mutable_grad() = torch::Tensor();
    b.mutable_grad() = torch::Tensor();
    torch::matmul(a, b.transpose(1, 2)).backward(upstream);
    QVERIFY(threaded_close_to(batched_matmul_transposed(a, b), torch::matmul(a, b.transpose(1, 2))));
    QVERIFY(threaded_close_to(ga, a.grad()));
    QVERIFY(threaded_close_to(gb, b.grad()));
  }

  void groupedAttentionMatchesRepeatedKeys() {
    // transformers' form: keys and values repeated per query head, scores / √d, masked, softmax.
    torch::manual_seed(15);
    const std::int64_t batch = 2, heads = 6, kv_heads = 2, width = 8;
    for (const auto& [first, length] : {std::pair<std::int64_t, std::int64_t>{0, 10}, {7, 3}}) {
      const std::int64_t keys = first + length;
      const auto q = torch::randn({batch, heads, length, width}).requires_grad_();
      const auto k = torch::randn({batch, kv_heads, keys, width}).requires_grad_();
      const auto v = torch::randn({batch, kv_heads, keys, width}).requires_grad_();
      const auto future = future_positions(first, length, torch::kCPU);
      const auto upstream = torch::randn({batch, length, heads * width});
      const auto ours = causal_attention(q, k, v, future);
      ours.backward(upstream);
      const auto gq = q.grad().clone(), gk = k.grad().clone(), gv = v.grad().clone();
      q.mutable_grad() = k.mutable_grad() = v.mutable_grad() = torch::Tensor();
      const auto kr = k.repeat_interleave(heads / kv_heads, 1), vr = v.repeat_interleave(heads / kv_heads, 1);
      const auto scores = (torch::matmul(q, kr.transpose(-2, -1)) / std::sqrt(8.0))
                              .masked_fill(future, -std::numeric_limits<float>::infinity());
      const auto reference =
          torch::matmul(torch::softmax(scores, -1), vr).transpose(1, 2).reshape({batch, length, heads * width});
      reference.backward(upstream);
      const QByteArray what =
          QByteArray::number(qint64(length)) + " queries after " + QByteArray::number(qint64(first));
      QVERIFY2(threaded_close_to(ours, reference), what);
      QVERIFY2(threaded_close_to(gq, q.grad()), what);
      QVERIFY2(threaded_close_to(gk, k.grad()), what);
      QVERIFY2(threaded_close_to(gv, v.grad()), what);
      // Evaluating in bfloat16 (computed in float32 inside): the reference's values to bfloat16's precision.
      torch::NoGradGuard no_grad;
      const auto b = torch::kBFloat16;
      const auto evaluated = causal_attention(q.to(b), k.to(b), v.to(b), future, /*evaluating=*/true);
      QCOMPARE(evaluated.scalar_type(), b);
      QVERIFY2(torch::allclose(evaluated.to(torch::kFloat32), reference, 3e-2, 3e-2), what + " bfloat16");
    }
  }

  // Generation's step: one query against a cache's keys and values (views of
  // a larger buffer), grouped heads and a width that is no multiple of 8, long
  // enough to be split over the threads; the operators' values in float32,
  // bfloat16 rounded once from them.
  void oneQueryAttentionMatchesTheOperators() {
    torch::manual_seed(16);
    torch::NoGradGuard no_grad;
    const std::int64_t batch = 2, heads = 6, kv_heads = 2;
    for (const auto& [width, keys] : {std::pair<std::int64_t, std::int64_t>{12, 23}, {64, 700}}) {
      const auto q = torch::randn({batch, heads, 1, width});
      const auto k = torch::randn({batch, kv_heads, keys + 40, width}).narrow(2, 0, keys);
      const auto v = torch::randn({batch, kv_heads, keys + 40, width}).narrow(2, 0, keys);
      QVERIFY(one_query_attention_applies(q, k, v));
      const auto future = future_positions(keys - 1, 1, torch::kCPU);
      const auto reference = causal_attention(q, k.contiguous(), v.contiguous(), future);  // the operators
      const auto ours = one_query_attention(q, k, v);
      const QByteArray what = "width " + QByteArray::number(qint64(width)) + ", " + QByteArray::number(qint64(keys));
      QCOMPARE(ours.sizes(), reference.sizes());
      QVERIFY2(torch::allclose(ours, reference, 1e-5, 1e-6), what);
      QVERIFY2(torch::equal(causal_attention(q, k, v, future, /*evaluating=*/true), ours), what);
      const auto b = torch::kBFloat16;
      const auto qb = q.to(b), kb = k.to(b), vb = v.to(b);
      const auto widened =
          causal_attention(qb.to(torch::kFloat32), kb.to(torch::kFloat32), vb.to(torch::kFloat32), future);
      const auto rounded = one_query_attention(qb, kb, vb);
      QCOMPARE(rounded.scalar_type(), b);
      // Both sum in float32 and round once: at most one bfloat16 step apart.
      QVERIFY2(torch::allclose(rounded.to(torch::kFloat32), widened, 8e-3, 1e-5), what + " bfloat16");
    }
    // What it does not take: a second query, gradients wanted, mixed types.
    const auto k = torch::randn({1, 2, 5, 8});
    QVERIFY(!one_query_attention_applies(torch::randn({1, 4, 2, 8}), k, k));
    QVERIFY(!one_query_attention_applies(torch::randn({1, 4, 1, 8}), k.to(torch::kBFloat16), k));
    QVERIFY(!one_query_attention_applies(torch::randn({1, 3, 1, 8}), k, k));
    torch::GradMode::set_enabled(true);
    QVERIFY(!one_query_attention_applies(torch::randn({1, 4, 1, 8}), k, k));
  }

  // Batched generation's step: several sequences' queries, each against its
  // own cache of its own length, in one call: every sequence's result is the
  // bits one_query_attention gives it alone, whatever else is in the batch.
  void oneQueryAttentionEachEqualsEachAlone() {
    torch::manual_seed(17);
    torch::NoGradGuard no_grad;
    const std::int64_t heads = 4, kv_heads = 2, width = 12, capacity = 300;
    const std::vector<std::int64_t> lengths = {1, 7, 300, 40, 129};
    for (const auto type : {torch::kFloat32, torch::kBFloat16}) {
      const auto count = static_cast<std::int64_t>(lengths.size());
      // Packed qkv rows [S, 3 · H · D]: the queries are their first third.
      const auto qkv = torch::randn({count, 3 * heads * width}).to(type);
      const auto queries = qkv.narrow(1, 0, heads * width).view({count, heads, width});
      std::vector<torch::Tensor> keys, values;
      for (std::size_t s = 0; s < lengths.size(); ++s) {
        keys.push_back(torch::randn({1, kv_heads, capacity, width}).to(type));
        values.push_back(torch::randn({1, kv_heads, capacity, width}).to(type));
      }
      QVERIFY(one_query_attention_each_applies(queries, keys, values, lengths));
      const auto together = one_query_attention_each(queries, keys, values, lengths);
      QCOMPARE(together.sizes(), (torch::IntArrayRef{count, heads * width}));
      QCOMPARE(together.scalar_type(), type);
      for (std::int64_t s = 0; s < count; ++s) {
        const auto i = static_cast<std::size_t>(s);
        const auto alone = one_query_attention(queries[s].reshape({1, heads, 1, width}),
                                               keys[i].narrow(2, 0, lengths[i]), values[i].narrow(2, 0, lengths[i]));
        QVERIFY2(torch::equal(together[s], alone.view({heads * width})),
                 qPrintable(QString("sequence %1 of %2 keys").arg(s).arg(lengths[i])));
      }
      // Refused: a length past the buffer or of 0, caches of another type, one cache short.
      auto longer = lengths;
      longer[2] = capacity + 1;
      QVERIFY(!one_query_attention_each_applies(queries, keys, values, longer));
      auto empty = lengths;
      empty[0] = 0;
      QVERIFY(!one_query_attention_each_applies(queries, keys, values, empty));
      auto other = keys;
      other[1] = other[1].to(type == torch::kFloat32 ? torch::kBFloat16 : torch::kFloat32);
      QVERIFY(!one_query_attention_each_applies(queries, other, values, lengths));
      QVERIFY(!one_query_attention_each_applies(queries, std::vector<torch::Tensor>(keys.begin(), keys.end() - 1),
                                                values, lengths));
    }
  }
};

CRADLE_REGISTER_TEST(ThreadedProductsTest);

}  // namespace cradle::test

#include "threaded_products_test.moc"
