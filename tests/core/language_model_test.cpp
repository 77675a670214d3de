// Text experiments end to end inside the engine: the experiment fields, the
// character tokenizer, the token windows, and a recurrent language model that
// must learn a corpus well below its unigram entropy.
#include <QTemporaryDir>
#include <QTest>

#include <sstream>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/language_model_data.h"
#include "core/experiment/experiment.h"
#include "core/experiment/overrides.h"
#include "core/models/model_factory.h"
#include "core/run/experiment_run.h"
#include "core/run/run_evaluation.h"
#include "core/run/sample_snapshots.h"
#include "core/text/char_tokenizer.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/train/runtime.h"
#include "tests/support/experiment_refusal.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

std::string write_corpus(const fs::path& dir) {
  const std::string text = tiny_grammar_text();
  const fs::path file = dir / "corpus.txt";
  std::ofstream(file, std::ios::binary) << text;
  return file.string();
}

Json text_experiment(const std::string& corpus) {
  Json doc = Json::parse(R"({"name": "lm", "task": "language_model", "threads": 2,
    "data": {"source": "text", "records": "separator", "context_length": 16, "test_fraction": 0.1,
             "steps": [{"op": "collapse_whitespace"}]},
    "model": {"type": "lstm", "embedding_size": 16, "hidden_size": 64, "layers": 1},
    "train": {"epochs": 3, "batch_size": 16, "lr": 0.01, "log_every": 5}})");
  doc["data"]["paths"] = Json::array({corpus});
  return doc;
}

double unigram_entropy(const std::vector<std::int64_t>& stream) {
  std::map<std::int64_t, double> counts;
  for (auto id : stream) counts[id] += 1;
  double entropy = 0;
  for (const auto& [id, count] : counts) {
    const double p = count / static_cast<double>(stream.size());
    entropy -= p * std::log(p);
  }
  return entropy;
}

}  // namespace

class LanguageModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void textExperimentRoundTrips() {
    Json doc = text_experiment("corpus.txt");
    doc["data"]["steps"] = Json::parse(R"([{"op": "remove_control"}, {"op": "dedup_near", "threshold": 0.9},
                                            {"op": "filter_length", "min_chars": 3}])");
    const auto e = parse_experiment(doc);
    QCOMPARE(e.data.steps.size(), size_t(3));
    QCOMPARE(e.data.steps[1].threshold, 0.9);
    QCOMPARE(e.data.include, std::vector<std::string>{"*.txt"});
    const std::string text = serialize_experiment(e);
    QCOMPARE(serialize_experiment(parse_experiment(Json::parse(text))), text);
    QVERIFY(text.find("class_names") == std::string::npos);  // a labelled-data field
    QVERIFY(text.find("\"hidden\"") == std::string::npos);   // an MLP/CNN field
  }

  void textExperimentErrorsNameTheField() {
    const Json good = text_experiment("c.txt");
    Json doc = good;
    doc["task"] = "classification";
    doc["model"] = Json::parse(R"({"type": "gpt"})");
    QCOMPARE(experiment_refusal(doc),
             QString("model.type: text classification needs \"lstm\", \"gru\", \"rnn\" or \"encoder\", got \"gpt\""));
    doc = good;
    doc["model"] = Json::parse(R"({"type": "cnn"})");
    QCOMPARE(experiment_refusal(doc),
             QString("model.type: task \"language_model\" needs \"lstm\", \"gru\", \"rnn\" or \"gpt\", got \"cnn\""));
    doc = good;
    doc["data"]["records"] = "line";
    doc["data"]["separator"] = "%";
    QCOMPARE(experiment_refusal(doc), QString("data.separator: only used with data.records \"separator\""));
    doc = good;
    doc["data"]["steps"][0]["keep_newlines"] = "yes";
    QVERIFY(experiment_refusal(doc).startsWith("data.steps[0].keep_newlines: "));
    doc = good;
    doc["data"]["class_names"] = Json::array({"a", "b"});
    QCOMPARE(experiment_refusal(doc), QString("data.class_names: task \"language_model\" has no classes"));
    doc = good;
    doc["data"]["tokenizer"] = Json::parse(R"({"type": "char", "character_coverage": 0.2})");
    QCOMPARE(experiment_refusal(doc), QString("data.tokenizer.character_coverage: must be between 0.5 and 1, got 0.2"));
    doc = good;
    doc["model"]["hidden"] = Json::array({8});
    QCOMPARE(experiment_refusal(doc),
             QString("model.hidden: only used by model types \"mlp\" and \"cnn\", not \"lstm\""));
  }

  void charTokenizerRoundTripsAndSaves() {
    TokenizerSpec spec;
    const auto tokenizer = CharTokenizer::train(spec, {"abca", "\xe6\x9c\x88\xe6\x9c\x88 b"});
    QCOMPARE(tokenizer.vocab_size(), std::int64_t(7 + 5));  // 7 specials; a, b, c, 月 and the space
    const std::string text = "<|user|>ab \xe6\x9c\x88";
    const auto ids = tokenizer.encode(text);
    QCOMPARE(ids.size(), size_t(5));
    QCOMPARE(ids[0], std::int64_t(5));  // the role marker as one token
    QCOMPARE(QString::fromStdString(tokenizer.decode(ids)), QString::fromStdString(text));  // role markers kept
    QCOMPARE(tokenizer.encode("z")[0], kUnkId);
    // Most frequent first: 'a' (3 times) right after the specials.
    QCOMPARE(QString::fromStdString(tokenizer.token_text(7)), QString("a"));

    QTemporaryDir dir;
    const fs::path file = dir.filePath("tokenizer.json").toStdString();
    tokenizer.save(file);
    const auto loaded = load_tokenizer(file);
    QCOMPARE(loaded->vocab_size(), tokenizer.vocab_size());
    QVERIFY(loaded->encode(text) == ids);
    write_text_atomically(file, R"({"type": "char", "special_tokens": ["<pad>"], "characters": []})");
    try {
      load_tokenizer(file);
      QFAIL("a tokenizer without the base specials was accepted");
    } catch (const DataError& error) {
      QVERIFY(QString(error.what()).endsWith("special_tokens must start with <pad>, <unk>, <bos>, <eos>"));
    }
  }

  void sentencepieceBpeTrainsSavesAndReloads() {
    // Loaded through the dlopen bridge beside LibTorch (and Qt) in this process.
    std::vector<std::string> texts;
    for (int i = 0; i < 200; ++i)
      texts.push_back("the quick brown fox " + std::to_string(i % 7) + " jumps over the lazy dog\nand runs away");
    for (const char* type : {"bpe", "unigram"}) {
      TokenizerSpec spec;
      spec.type = type;
      spec.vocab_size = 80;
      const auto tokenizer = train_tokenizer(spec, texts);
      QCOMPARE(QString::fromStdString(tokenizer->type()), QString(type));
      QVERIFY(tokenizer->vocab_size() > 7 && tokenizer->vocab_size() <= 80);
      QCOMPARE(QString::fromStdString(tokenizer->token_text(kPadId)), QString("<pad>"));
      QCOMPARE(QString::fromStdString(tokenizer->token_text(kEosId)), QString("<eos>"));
      QCOMPARE(QString::fromStdString(tokenizer->token_text(5)), QString("<|user|>"));
      const std::string text = "<|user|>the lazy fox 3 runs\naway";
      const auto ids = tokenizer->encode(text);
      QVERIFY(ids.size() < text.size());  // pieces longer than one character
      QVERIFY(std::find(ids.begin(), ids.end(), 5) != ids.end());
      QCOMPARE(QString::fromStdString(tokenizer->decode(ids)), QString::fromStdString(text));
      QTemporaryDir dir;
      const fs::path file = dir.filePath("tokenizer.json").toStdString();
      tokenizer->save(file);
      QVERIFY(fs::exists(dir.filePath("tokenizer.model").toStdString()));
      const auto loaded = load_tokenizer(file);
      QVERIFY(loaded->encode(text) == ids);
      write_text_atomically(dir.filePath("tokenizer.model").toStdString(), "not a model");
      try {
        load_tokenizer(file);
        QFAIL("a broken model was accepted");
      } catch (const DataError& error) {
        QVERIFY2(QString(error.what()).contains("tokenizer.model: not a sentencepiece model"), error.what());
      }
    }
  }

  void coverageLeavesRareCharactersUnknown() {
    TokenizerSpec spec;
    spec.character_coverage = 0.9;
    const auto tokenizer = CharTokenizer::train(spec, {std::string(95, 'a') + "bcdef"});
    QCOMPARE(tokenizer.characters().size(), size_t(1));
    QCOMPARE(tokenizer.encode("ab")[1], kUnkId);
    spec.character_coverage = 1.0;
    spec.vocab_size = 9;  // the 7 specials and two characters
    QCOMPARE(CharTokenizer::train(spec, {"aaabbc"}).characters().size(), size_t(2));
  }

  void windowsShiftTargetsByOne() {
    const auto dataset = sequence_windows({10, 11, 12, 13, 14, 15, 16}, 3);
    QCOMPARE(dataset.size(), std::int64_t(2));
    QVERIFY(torch::equal(dataset.inputs[1], torch::tensor({13, 14, 15}, torch::kInt64)));
    QVERIFY(torch::equal(dataset.targets[1], torch::tensor({14, 15, 16}, torch::kInt64)));
    QCOMPARE(sequence_windows({1, 2, 3}, 3).size(), std::int64_t(0));
  }

  void splitsAreSeededAndDisjoint() {
    QTemporaryDir dir;
    const auto e = parse_experiment(text_experiment(write_corpus(dir.path().toStdString())));
    const auto a = prepare_text(e), b = prepare_text(e);
    QCOMPARE(a.train.size() + a.validation.size() + a.test.size(), size_t(240));
    QCOMPARE(a.test.size(), size_t(24));
    QCOMPARE(QString::fromStdString(a.test[0].origin), QString::fromStdString(b.test[0].origin));
    auto other = e;
    other.seed = 7;
    QVERIFY(prepare_text(other).test[0].origin != a.test[0].origin ||
            prepare_text(other).test[1].origin != a.test[1].origin);
  }

  void lstmLearnsBelowTheUnigramEntropy() {
    configure_runtime(2);
    QTemporaryDir dir;
    const auto e = parse_experiment(text_experiment(write_corpus(dir.path().toStdString())));
    const fs::path run_dir = dir.filePath("run").toStdString();
    ExperimentRun run(e, run_dir);
    const auto result = run.train();
    QVERIFY(result.validation && result.test);
    const auto data = load_language_model_data(e, load_tokenizer(run.folder().tokenizer_file()));
    const double entropy = unigram_entropy(token_stream(*data.tokenizer, data.text.validation));
    // The grammar makes most characters predictable from the ones before.
    QVERIFY2(result.validation->loss < 0.6 * entropy,
             qPrintable(QString("validation loss %1, unigram entropy %2").arg(result.validation->loss).arg(entropy)));
    QVERIFY(result.validation->loss < data.unigram_baseline_loss);
    QVERIFY(std::abs(data.unigram_baseline_loss - entropy) < 0.2);  // smoothing and the train/validation gap only
    // Evaluating the saved run reproduces the reported test score.
    EvaluationRequest request;
    request.run_dir = run_dir;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.language_model);
    const auto& lm = *evaluation.language_model;
    QVERIFY(std::abs(lm.cross_entropy - result.test->loss) < 1e-5);
    QVERIFY(lm.tokens == evaluation.samples * 16);
    // A character tokenizer: one character per token, except <eos>, which spells none.
    QVERIFY2(lm.characters > 0 && lm.characters <= lm.tokens, qPrintable(QString::number(lm.characters)));
    QVERIFY(std::abs(lm.bits_per_character - lm.cross_entropy / std::log(2.0) * lm.tokens / lm.characters) < 1e-9);
    QCOMPARE(evaluation.generations.size(), size_t(3));
    const Json report = Json::parse(read_file(run.folder().report_file()));
    QCOMPARE(report["data"]["steps"][0]["op"].get<std::string>(), std::string("collapse_whitespace"));
    QVERIFY(report["metrics"]["test"]["perplexity"].get<double>() > 1.0);

    // Text sampled from fixed prompts at every validation, the same draws each time.
    std::vector<Json> generations;
    std::istringstream lines(read_file(run.folder().samples_file()));
    for (std::string line; std::getline(lines, line);) generations.push_back(Json::parse(line));
    QCOMPARE(generations.size(), size_t(e.train.epochs));
    for (const Json& g : generations) {
      QCOMPARE(g["kind"].get<std::string>(), std::string("generations"));
      QCOMPARE(g["items"].size(), size_t(3));
      QVERIFY(!g["items"][0]["prompt"].get<std::string>().empty() && !g["items"][0]["text"].get<std::string>().empty());
    }
    QCOMPARE(generations.back()["step"].get<std::int64_t>(), result.outcome.steps);
  }

  void tooFewTokensIsAClearError() {
    QTemporaryDir dir;
    Json doc = text_experiment(write_corpus(dir.path().toStdString()));
    doc["data"]["context_length"] = 4000;
    try {
      load_language_model_data(parse_experiment(doc));
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("fewer than data.context_length + 1 (4001)"), error.what());
    }
  }
};

CRADLE_REGISTER_TEST(LanguageModelTest);

}  // namespace cradle::test

#include "language_model_test.moc"
