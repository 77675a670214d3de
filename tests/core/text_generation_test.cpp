// Text generation: the GPT's key/value cache gives the same logits and the
// same greedy text as recomputing the context (learned and rotary positions,
// past the context length); each sampling rule against values worked out by
// hand; seeds; stop strings, streaming and cancelling.
#include <QTest>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <set>

#include "core/common/error.h"
#include "core/eval/packed_gpt_decoder.h"
#include "core/eval/text_generation.h"
#include "core/models/model_factory.h"
#include "tests/core/tiny_language_model.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

constexpr std::int64_t kContext = 16, kVocab = 23;

torch::nn::Sequential tiny_gpt(const std::string& position, std::uint64_t seed = 3) {
  return tiny_language_model("gpt", kContext, kVocab, seed, position);
}

SamplingOptions greedy(std::int64_t tokens, bool cache) {
  SamplingOptions o;
  o.max_new_tokens = tokens;
  o.temperature = 0;
  o.use_cache = cache;
  o.stop_at_end_of_text = false;
  return o;
}

std::int64_t draw(const std::vector<double>& logits, const SamplingOptions& options, at::Generator& generator,
                  const std::vector<std::int64_t>& history = {}) {
  return choose_next_token(torch::tensor(logits, torch::kFloat32), history, options, generator);
}

std::shared_ptr<const Tokenizer> letters_tokenizer() {
  TokenizerSpec spec;
  spec.type = "char";
  return train_tokenizer(spec, {"abcdefghijklmnopqrs"});  // 19 letters after the 4 base and 3 role tokens: 26 ids
}

}  // namespace

class TextGenerationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Two slots fed in the same calls — one a prefill of 4 and then one token
  // at a time, the other a token at a time from the start — each give the
  // full forward pass's logits at every position.
  void cachedLogitsEqualTheFullForward() {
    for (const std::string position : {"learned", "rotary"}) {
      auto model = tiny_gpt(position);
      model->eval();
      torch::NoGradGuard no_grad;
      const std::vector<std::int64_t> tokens = {4, 9, 1, 22, 7, 7, 3, 15, 0, 11}, other = {8, 2, 2, 19, 5, 6, 1};
      const auto full = model->forward(torch::tensor(tokens).view({1, -1}))[0];  // [T, vocab]
      const auto other_full = model->forward(torch::tensor(other).view({1, -1}))[0];
      PackedGptDecoder decoder(model, kContext);
      const int a = decoder.open_slot(), b = decoder.open_slot();
      auto logits = decoder.feed({{a, {tokens.begin(), tokens.begin() + 4}}, {b, {other[0]}}});
      QCOMPARE(logits.size(0), std::int64_t(2));
      QVERIFY2(torch::allclose(logits[0], full[3], 1e-5, 1e-5), position.c_str());
      QVERIFY2(torch::allclose(logits[1], other_full[0], 1e-5, 1e-5), position.c_str());
      for (std::size_t t = 4; t < tokens.size(); ++t) {
        const std::size_t o = t - 3;
        std::vector<SlotFeed> feeds = {{a, {tokens[t]}}};
        if (o < other.size()) feeds.push_back({b, {other[o]}});
        logits = decoder.feed(feeds);
        QVERIFY2(torch::allclose(logits[0], full[static_cast<std::int64_t>(t)], 1e-5, 1e-5), position.c_str());
        if (o < other.size())
          QVERIFY2(torch::allclose(logits[1], other_full[static_cast<std::int64_t>(o)], 1e-5, 1e-5), position.c_str());
      }
      QCOMPARE(decoder.slot_length(a), std::int64_t(tokens.size()));
      QCOMPARE(decoder.slot_length(b), std::int64_t(other.size()));
      QVERIFY_THROWS_EXCEPTION(std::logic_error, decoder.feed({{a, std::vector<std::int64_t>(7, 1)}}));  // 17 > 16
      decoder.close_slot(b);
      QVERIFY_THROWS_EXCEPTION(std::logic_error, decoder.feed({{b, {1}}}));  // closed
      QCOMPARE(decoder.open_slot(), b);                                      // reused, empty
      QCOMPARE(decoder.slot_length(b), std::int64_t(0));
    }
  }

  void cachedGreedyTextEqualsRecomputing() {
    for (const std::string position : {"learned", "rotary"}) {
      auto model = tiny_gpt(position);
      model->train();
      const std::vector<std::int64_t> prompt = {5, 6, 7, 8, 9};
      // 40 new tokens: the window jumps forward three times past the 16-token context.
      const auto cached = generate_tokens(model, prompt, kContext, greedy(40, true));
      const auto recomputed = generate_tokens(model, prompt, kContext, greedy(40, false));
      QCOMPARE(cached.size(), size_t(40));
      QVERIFY2(cached == recomputed, position.c_str());
      QVERIFY(model->is_training());  // the caller's mode is back
    }
    QVERIFY(PackedGptDecoder::supports(tiny_gpt("learned")));
    ModelSpec lstm;
    lstm.type = "lstm";
    auto recurrent = build_model(lstm, {kContext}, kVocab, {});
    QVERIFY(!PackedGptDecoder::supports(recurrent));
    // Without a cache the window is recomputed: a recurrent model generates too.
    const auto tokens = generate_tokens(recurrent, {5, 6}, kContext, greedy(20, true));
    QCOMPARE(tokens.size(), size_t(20));
    for (const auto id : tokens) QVERIFY(id >= 0 && id < kVocab);
  }

  void windowJumpsByHalfAContext() {
    QCOMPARE(context_window_start(16, 16), std::int64_t(0));
    QCOMPARE(context_window_start(17, 16), std::int64_t(8));  // a window of 9 tokens, which then fills up again
    QCOMPARE(context_window_start(24, 16), std::int64_t(8));
    QCOMPARE(context_window_start(25, 16), std::int64_t(16));
    QCOMPARE(context_window_start(5, 1), std::int64_t(4));
  }

  void greedyAndRepetitionPenalty() {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(1);
    SamplingOptions o;
    o.temperature = 0;
    QCOMPARE(draw({0.5, 2.0, 1.0}, o, generator), std::int64_t(1));
    // Penalty 2 on token 0 (seen): 2.0 / 2 = 1.0 ties token 1; the first wins. Penalty 4: 0.5 < 1.0.
    o.repetition_penalty = 2;
    QCOMPARE(draw({2.0, 1.0, -1.0}, o, generator, {0, 0}), std::int64_t(0));
    o.repetition_penalty = 4;
    QCOMPARE(draw({2.0, 1.0, -1.0}, o, generator, {0}), std::int64_t(1));
    // A negative logit is multiplied: -1 * 4 = -4 falls below token 2's -3.
    QCOMPARE(draw({-1.0, -5.0, -3.0}, o, generator, {0}), std::int64_t(2));
  }

  void topKAndTopPKeepTheLikeliest() {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
    SamplingOptions top1;
    top1.top_k = 1;
    for (int i = 0; i < 50; ++i) QCOMPARE(draw({0.1, 0.3, 0.2, 0.25}, top1, generator), std::int64_t(1));

    // Probabilities 0.4, 0.35, 0.25 (as log-probabilities): p = 0.7 keeps the first two
    // (0.4 < 0.7, then 0.75 crosses it), never the third.
    SamplingOptions nucleus;
    nucleus.top_p = 0.7;
    const std::vector<double> logits = {std::log(0.4), std::log(0.35), std::log(0.25)};
    std::set<std::int64_t> seen;
    for (int i = 0; i < 300; ++i) seen.insert(draw(logits, nucleus, generator));
    QCOMPARE(seen, (std::set<std::int64_t>{0, 1}));
    nucleus.top_p = 0.3;  // the first token alone reaches it
    for (int i = 0; i < 50; ++i) QCOMPARE(draw(logits, nucleus, generator), std::int64_t(0));

    // Temperature: near 0 it is greedy; plain sampling reaches every token.
    SamplingOptions cold;
    cold.temperature = 1e-3;
    for (int i = 0; i < 50; ++i) QCOMPARE(draw(logits, cold, generator), std::int64_t(0));
    seen.clear();
    for (int i = 0; i < 300; ++i) seen.insert(draw(logits, SamplingOptions{}, generator));
    QCOMPARE(seen.size(), size_t(3));
  }

  // 40,000 draws of five tokens at temperature 0.7 with top-k 4 and top-p
  // 0.95: each token's frequency within five standard deviations of the
  // probability torch's softmax gives it after the same cuts, never a cut one.
  void samplesFollowTheProbabilities() {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(11);
    const std::vector<double> logits = {1.0, 2.5, -0.5, 2.0, 0.3};
    SamplingOptions o;
    o.temperature = 0.7;
    o.top_k = 4;  // drops token 2
    o.top_p = 0.95;
    auto expected = torch::softmax(torch::tensor(logits, torch::kFloat64) / 0.7, 0);
    expected[2] = 0;
    expected = expected / expected.sum();
    // Top-p over what top-k kept, likeliest first: 1 (0.61), 3 (0.30), 0 (0.07) reach 0.95 without 4.
    auto [sorted, order] = expected.sort(0, /*descending=*/true);
    const auto before = sorted.cumsum(0) - sorted;
    sorted.masked_fill_(before >= 0.95, 0.0);
    expected = torch::zeros_like(expected).scatter_(0, order, sorted);
    expected = expected / expected.sum();
    const int draws = 40000;
    std::vector<int> counts(logits.size());
    for (int i = 0; i < draws; ++i) ++counts[static_cast<std::size_t>(draw(logits, o, generator))];
    for (std::size_t t = 0; t < logits.size(); ++t) {
      const double p = expected[static_cast<std::int64_t>(t)].item<double>();
      const double sigma = std::sqrt(draws * p * (1 - p));
      if (p == 0) {
        QCOMPARE(counts[t], 0);
        continue;
      }
      QVERIFY2(std::abs(counts[t] - draws * p) <= 5 * sigma,
               qPrintable(QString("token %1: %2 draws, %3 expected").arg(t).arg(counts[t]).arg(draws * p)));
    }
    QVERIFY(counts[2] == 0 && counts[4] == 0);  // cut by top-k and by top-p
  }

  // A logit that is not a number is refused by name, not drawn from.
  void notANumberIsRefused() {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(1);
    try {
      draw({0.5, std::nan(""), 1.0}, SamplingOptions{}, generator);
      QFAIL("a NaN logit was sampled from");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("token 1") != std::string::npos, e.what());
    }
  }

  void samplingIsSeeded() {
    auto model = tiny_gpt("learned");
    SamplingOptions o;
    o.max_new_tokens = 30;
    o.stop_at_end_of_text = false;
    o.seed = 5;
    const auto a = generate_tokens(model, {1, 2, 3}, kContext, o);
    QVERIFY(a == generate_tokens(model, {1, 2, 3}, kContext, o));
    o.use_cache = false;
    QVERIFY(a == generate_tokens(model, {1, 2, 3}, kContext, o));  // the same draws either way
    o.seed = 6;
    QVERIFY(a != generate_tokens(model, {1, 2, 3}, kContext, o));
  }

  void stopStringsStreamingAndCancel() {
    const auto tokenizer = letters_tokenizer();
    torch::manual_seed(11);
    ModelSpec spec;
    spec.type = "gpt";
    spec.layers = 1;
    spec.width = 16;
    spec.heads = 2;
    TextGenerator generator(build_model(spec, {kContext}, tokenizer->vocab_size(), {}), tokenizer, kContext);

    SamplingOptions o;
    o.max_new_tokens = 40;
    o.seed = 2;
    o.stop_at_end_of_text = false;
    std::string streamed;
    const auto whole = generator.generate("abc", o, [&](const std::string& piece) {
      streamed += piece;
      return true;
    });
    QCOMPARE(whole.finish_reason, std::string("length"));
    QCOMPARE(whole.tokens.size(), size_t(40));
    QCOMPARE(streamed, whole.text);
    QVERIFY(whole.cached);
    QVERIFY(whole.tokens_per_second > 0);

    // Stopping at a string from the middle of that text (the same seed gives the same draws).
    std::string stop;
    for (std::size_t at = 6; at + 2 <= whole.text.size() && stop.empty(); ++at) {
      const auto candidate = whole.text.substr(at, 2);
      if (whole.text.find(candidate) == at) stop = candidate;  // its first occurrence
    }
    QVERIFY(!stop.empty());
    o.stop = {stop, "never-generated"};
    streamed.clear();
    const auto stopped = generator.generate("abc", o, [&](const std::string& piece) {
      streamed += piece;
      return true;
    });
    QCOMPARE(stopped.finish_reason, std::string("stop"));
    QCOMPARE(stopped.text, whole.text.substr(0, whole.text.find(stop)));
    QCOMPARE(streamed, stopped.text);  // the stop string's first character was held back, never shown

    o.stop.clear();
    int pieces = 0;
    const auto cancelled = generator.generate("abc", o, [&](const std::string&) { return ++pieces < 3; });
    QCOMPARE(cancelled.finish_reason, std::string("cancelled"));
    QCOMPARE(pieces, 3);
    QVERIFY(cancelled.tokens.size() < 40);

    // Cancelled between tokens, whether or not they made text yet: after exactly the fifth.
    int tokens = 0;
    generator.cancel_when([&] { return ++tokens >= 5; });
    const auto stopped_early = generator.generate("abc", o);
    QCOMPARE(stopped_early.finish_reason, std::string("cancelled"));
    QCOMPARE(stopped_early.tokens.size(), std::size_t(5));
  }

  void badOptionsAreNamed() {
    const auto message = [](SamplingOptions o) -> std::string {
      try {
        check_sampling_options(o);
      } catch (const ConfigError& error) {
        return error.what();
      }
      return "";
    };
    SamplingOptions o;
    o.temperature = -1;
    QVERIFY(message(o).find("temperature") != std::string::npos);
    o = {};
    o.top_p = 0;
    QVERIFY(message(o).find("top_p must be in (0, 1]") != std::string::npos);
    o = {};
    o.max_new_tokens = 0;
    QVERIFY(message(o).find("max_new_tokens") != std::string::npos);
    o = {};
    o.stop = {""};
    QVERIFY(message(o).find("stop string") != std::string::npos);
    o = {};
    QVERIFY(message(o).empty());
  }
};

CRADLE_REGISTER_TEST(TextGenerationTest);

}  // namespace cradle::test

#include "text_generation_test.moc"
