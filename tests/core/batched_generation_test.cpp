// Batched generation (continuous batching): every sequence of a batch gets
// exactly the tokens it gets alone — greedy and sampled with its own seed,
// prompts of different lengths, windows moving past the context, sequences
// joining as others leave — for Cradle's GPT (packed), a recurrent model
// (windows recomputed) and a Hugging Face architecture (a cache per slot).
// OpenAI's presence and frequency penalties against values worked out by hand.
#include <QTemporaryDir>
#include <QTest>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/eval/batched_generation.h"
#include "core/eval/packed_gpt_decoder.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/pretrained_language_model.h"
#include "core/models/model_factory.h"
#include "core/run/run_weights.h"
#include "core/text/tokenizer.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/core/tiny_language_model.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

constexpr std::int64_t kBatchContext = 16, kBatchVocab = 23;

torch::nn::Sequential batch_test_model(const std::string& type, const std::string& position = "learned") {
  return tiny_language_model(type, kBatchContext, kBatchVocab, 11, position);
}

// Ten jobs: prompts of 1 to 10 tokens, greedy and sampled in turn, 3 to 30 new
// tokens (the longer ones move the window past the 16-token context), an end id.
std::vector<GenerationJob> mixed_jobs() {
  std::vector<GenerationJob> jobs;
  for (int i = 0; i < 10; ++i) {
    GenerationJob job;
    for (int t = 0; t <= i; ++t) job.prompt.push_back((7 * i + 3 * t + 1) % kBatchVocab);
    job.options.max_new_tokens = 3 + 3 * i;
    job.options.temperature = i % 2 == 0 ? 0.0 : 1.0;
    job.options.top_k = i % 4 == 1 ? 5 : 0;
    job.options.seed = 100 + static_cast<std::uint64_t>(i);
    job.end_ids = {i % 3 == 0 ? std::int64_t(2) : std::int64_t(-1)};
    jobs.push_back(job);
  }
  return jobs;
}

std::vector<std::vector<std::int64_t>> each_alone(torch::nn::Sequential model, const std::vector<GenerationJob>& jobs) {
  std::vector<std::vector<std::int64_t>> results;
  for (const auto& job : jobs) {
    SamplingOptions options = job.options;
    options.end_ids = job.end_ids;
    results.push_back(generate_tokens(model, job.prompt, kBatchContext, options));
  }
  return results;
}

}  // namespace

class BatchedGenerationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // At most 4 sequences a step: the others join as the first ones finish.
  void gptBatchGivesEachSequenceItsTokensAlone() {
    for (const std::string position : {"learned", "rotary"}) {
      auto model = batch_test_model("gpt", position);
      model->train();
      const auto alone = each_alone(model, mixed_jobs());
      for (const std::size_t max_batch : {std::size_t(4), std::size_t(64)}) {
        const auto decoder = make_sequence_decoder(model, kBatchContext, true);
        QVERIFY(dynamic_cast<PackedGptDecoder*>(decoder.get()) != nullptr);
        const auto batched = generate_batch(*decoder, mixed_jobs(), max_batch);
        QCOMPARE(batched.size(), alone.size());
        for (std::size_t i = 0; i < alone.size(); ++i) {
          QVERIFY2(!alone[i].empty(), std::to_string(i).c_str());
          QVERIFY2(batched[i] == alone[i], (position + " job " + std::to_string(i)).c_str());
        }
      }
      QVERIFY(model->is_training());  // the caller's mode is back
      // Without the cache (the windows recomputed) the greedy ones agree too.
      const auto uncached = make_sequence_decoder(model, kBatchContext, false);
      const auto recomputed = generate_batch(*uncached, mixed_jobs());
      for (std::size_t i = 0; i < alone.size(); i += 2) QVERIFY(recomputed[i] == alone[i]);
    }
  }

  void recurrentBatchGivesEachSequenceItsTokensAlone() {
    auto model = batch_test_model("lstm");
    const auto alone = each_alone(model, mixed_jobs());
    const auto decoder = make_sequence_decoder(model, kBatchContext, true);
    QVERIFY(dynamic_cast<PackedGptDecoder*>(decoder.get()) == nullptr);
    QCOMPARE(generate_batch(*decoder, mixed_jobs(), 3), alone);
  }

  // A Hugging Face architecture: TextGenerator's batch against its single generations.
  void hubModelBatchGivesEachPromptItsTextAlone() {
    QTemporaryDir dir;
    const std::filesystem::path folder = std::filesystem::path(dir.path().toStdString()) / "tiny";
    write_tiny_chat_model_folder(folder);
    const RunLanguageModel loaded = load_model_folder_language_model(folder);
    const auto tokenizer = std::dynamic_pointer_cast<const HubTokenizer>(loaded.tokenizer);
    TextGenerator generator(pretrained_language_model(loaded.model), tokenizer,
                            [tokenizer](const std::string& text) { return tokenizer->encode(text); }, {kTinyImEnd});
    std::vector<std::vector<std::int64_t>> prompts;
    std::vector<SamplingOptions> options;
    for (const std::string text : {"the cat", "a dog sees", "the", "the ball and the cat"}) {
      prompts.push_back(tokenizer->encode(text));
      SamplingOptions o;
      o.max_new_tokens = 6 + static_cast<std::int64_t>(text.size() % 5);
      o.temperature = prompts.size() % 2 ? 0.0 : 0.8;
      o.seed = prompts.size();
      options.push_back(o);
    }
    const auto batched = generator.generate_batch(prompts, options);
    QCOMPARE(batched.size(), prompts.size());
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      const Generation alone = generator.generate_from(prompts[i], options[i]);
      QVERIFY2(batched[i].tokens == alone.tokens, std::to_string(i).c_str());
      QCOMPARE(batched[i].text, alone.text);
      QCOMPARE(batched[i].finish_reason, alone.finish_reason);
    }
  }

  // Continuous batching: a short job leaves while a long one runs, a job added
  // later joins at the next step, and a sink saying stop ends only its own job.
  void sequencesJoinAndLeaveARunningBatch() {
    auto model = batch_test_model("gpt");
    const auto decoder = make_sequence_decoder(model, kBatchContext, true);
    BatchedGenerator generator(*decoder);
    const auto job = [](std::int64_t tokens, TokenSink sink = {}) {
      GenerationJob j;
      j.prompt = {1, 5, 9};
      j.options.max_new_tokens = tokens;
      j.options.temperature = 0;
      j.sink = std::move(sink);
      return j;
    };
    const std::size_t long_job = generator.add(job(20));
    const std::size_t short_job = generator.add(job(2));
    int seen = 0;
    const std::size_t stopped = generator.add(job(20, [&seen](std::int64_t) { return ++seen < 3; }));
    QCOMPARE(generator.step(), std::vector<std::size_t>{});
    QCOMPARE(generator.step(), std::vector<std::size_t>{short_job});
    QCOMPARE(generator.take(short_job).size(), std::size_t(2));
    const std::size_t late = generator.add(job(4));
    QCOMPARE(generator.running(), std::size_t(3));
    QCOMPARE(generator.step(), std::vector<std::size_t>{stopped});
    QCOMPARE(generator.take(stopped).size(), std::size_t(3));
    for (int i = 0; i < 3; ++i) generator.step();
    QCOMPARE(generator.running(), std::size_t(1));  // `late` had its 4 tokens
    QCOMPARE(generator.take(late).size(), std::size_t(4));
    while (generator.running() > 0) generator.step();
    QCOMPARE(generator.take(long_job).size(), std::size_t(20));
    QVERIFY(generator.take(long_job).empty());  // taken once
  }

  // logits 1.0, 0.9, 0.5: token 0 generated once and presence 0.2 leaves it
  // 0.8, below token 1; generated twice with frequency 0.1 it is 0.8 again,
  // once with frequency 0.05 it is 0.95 and still first. The prompt's tokens
  // (in the history only) count for neither.
  void presenceAndFrequencyPenaltiesCountGeneratedTokens() {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
    const auto logits = torch::tensor({1.0, 0.9, 0.5}, torch::kFloat32);
    SamplingOptions o;
    o.temperature = 0;
    QCOMPARE(choose_next_token(logits, {0}, o, generator, {}), std::int64_t(0));
    o.presence_penalty = 0.2;
    QCOMPARE(choose_next_token(logits, {0}, o, generator, {0}), std::int64_t(1));
    QCOMPARE(choose_next_token(logits, {0, 0}, o, generator, {}), std::int64_t(0));
    o.presence_penalty = 0;
    o.frequency_penalty = 0.1;
    QCOMPARE(choose_next_token(logits, {0, 0}, o, generator, {0, 0}), std::int64_t(1));
    o.frequency_penalty = 0.05;
    QCOMPARE(choose_next_token(logits, {0, 0}, o, generator, {0}), std::int64_t(0));
    o.frequency_penalty = 2.5;
    QVERIFY_THROWS_EXCEPTION(ConfigError, check_sampling_options(o));
  }
};

CRADLE_REGISTER_TEST(BatchedGenerationTest);

}  // namespace cradle::test

#include "batched_generation_test.moc"
