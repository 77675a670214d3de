// Corpora larger than memory (issue 14): token files round-trip through the
// writer and the mapping in both id widths; malformed ones are refused with the
// file and the byte; mapped windows are exactly the in-memory windows; the
// computed shuffle is a permutation and the held one is the order runs always
// had; a language model trains on a corpus written by tokenize as on its text.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/data_preview.h"
#include "core/data/epoch_order.h"
#include "core/data/language_model_data.h"
#include "core/data/seeded_order.h"
#include "core/data/token_corpus.h"
#include "core/data/token_file.h"
#include "core/distributed/data_parallel_group.h"
#include "core/experiment/experiment.h"
#include "core/run/experiment_run.h"
#include "core/run/run_evaluation.h"
#include "core/text/text_preparation.h"
#include "core/train/runtime.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace fs = std::filesystem;
namespace {

fs::path write_tokens(const fs::path& file, std::uint64_t vocab,
                      const std::vector<std::vector<std::int64_t>>& documents) {
  TokenFileWriter writer(file, vocab);
  for (const auto& d : documents) writer.add_document(d);
  writer.finish();
  return file;
}

QString data_error_of(const fs::path& file) {
  try {
    MappedTokenFile::open(file);
  } catch (const DataError& error) {
    return error.what();
  }
  return "accepted";
}

void patch(const fs::path& file, std::size_t at, const void* bytes, std::size_t size) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(at));
  f.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(size));
}

// An LSTM language model on the tiny grammar's text.
Json grammar_experiment(const fs::path& dir) {
  write_text_atomically(dir / "corpus.txt", tiny_grammar_text());
  Json doc = Json::parse(R"({"name": "lm", "task": "language_model", "threads": 2,
    "data": {"source": "text", "records": "separator", "context_length": 16, "test_fraction": 0.1},
    "model": {"type": "lstm", "embedding_size": 16, "hidden_size": 64, "layers": 1},
    "train": {"epochs": 3, "batch_size": 16, "lr": 0.01, "log_every": 5}})");
  doc["data"]["paths"] = Json::array({(dir / "corpus.txt").string()});
  return doc;
}

}  // namespace

class TokenCorpusTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void tokenFilesRoundTripInBothWidths() {
    QTemporaryDir dir;
    const fs::path small =
        write_tokens(fs::path(dir.path().toStdString()) / "small.tokens", 300, {{5, 6, 7}, {299, 3}, {4}});
    const auto file = MappedTokenFile::open(small);
    QCOMPARE(file->layout().token_bytes, 2u);
    QCOMPARE(file->layout().tokens, std::uint64_t(8));  // <eos> added to the first and the last, kept on the second
    QCOMPARE(file->layout().documents, std::uint64_t(3));
    QCOMPARE(file->layout().largest_id, std::uint64_t(299));
    QCOMPARE(file->tokens(0, 100), (std::vector<std::int64_t>{5, 6, 7, 3, 299, 3, 4, 3}));
    QCOMPARE(file->document_start(1), std::uint64_t(4));
    QCOMPARE(file->document_start(2), std::uint64_t(6));
    QCOMPARE(file->document_start(3), std::uint64_t(8));  // the end of the last

    const fs::path large = write_tokens(fs::path(dir.path().toStdString()) / "large.tokens", 70000, {{69999, 65536}});
    const auto wide = MappedTokenFile::open(large);
    QCOMPARE(wide->layout().token_bytes, 4u);
    QCOMPARE(wide->tokens(0, 3), (std::vector<std::int64_t>{69999, 65536, 3}));
    QCOMPARE(token_bytes_for(65536), 2u);
    QCOMPARE(token_bytes_for(65537), 4u);

    // An id outside the vocabulary is refused while writing, and no partial file is left.
    {
      TokenFileWriter writer(fs::path(dir.path().toStdString()) / "bad.tokens", 10);
      QVERIFY_EXCEPTION_THROWN(writer.add_document({1, 10}), DataError);
    }
    QVERIFY(!fs::exists(fs::path(dir.path().toStdString()) / "bad.tokens"));
    QVERIFY(!fs::exists(fs::path(dir.path().toStdString()) / "bad.tokens.partial"));
  }

  void malformedTokenFilesNameTheFileAndTheByte() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const auto fresh = [&](const char* name) { return write_tokens(root / name, 300, {{5, 6, 7}, {8, 9}}); };
    const fs::path truncated = fresh("truncated.tokens");
    fs::resize_file(truncated, fs::file_size(truncated) - 3);
    QString message = data_error_of(truncated);
    QVERIFY2(message.contains("truncated.tokens: byte") && message.contains("truncated?"), qPrintable(message));

    const fs::path magic = fresh("magic.tokens");
    patch(magic, 0, "NOTTOKEN", 8);
    message = data_error_of(magic);
    QVERIFY2(message.contains("magic.tokens: byte 0: not a token file"), qPrintable(message));

    const fs::path largest = fresh("largest.tokens");
    const std::uint64_t big = 300;
    patch(largest, 48, &big, 8);
    message = data_error_of(largest);
    QVERIFY2(message.contains("byte 48: the largest id 300 is outside the vocabulary of 300"), qPrintable(message));

    const fs::path index = fresh("index.tokens");
    const auto layout = MappedTokenFile::open(index)->layout();
    const std::uint64_t backwards = 0;  // the second document may not start where the first does
    patch(index, static_cast<std::size_t>(layout.index_offset + 8), &backwards, 8);
    message = data_error_of(index);
    QVERIFY2(message.contains("document 1 starts at token 0"), qPrintable(message));

    std::ofstream(root / "tiny.tokens") << "CRDL";
    QVERIFY(data_error_of(root / "tiny.tokens").contains("ends inside the 64-byte header"));
    QVERIFY_EXCEPTION_THROWN(MappedTokenFile::open(root / "missing.tokens"), IoError);
  }

  void mappedWindowsAreTheInMemoryWindows() {
    QTemporaryDir dir;
    // Ids above 32767 check that u16 ids widen without a sign.
    std::vector<std::int64_t> stream;
    for (int i = 0; i < 200; ++i) stream.push_back(i % 7 == 0 ? 3 : 40000 + (i * 37) % 25000);
    stream.back() = 3;
    const fs::path file = write_tokens(fs::path(dir.path().toStdString()) / "s.tokens", 65536, {stream});
    const auto mapped = mapped_sequence_windows(MappedTokenFile::open(file), 8);
    const auto held = sequence_windows(stream, 8);
    QVERIFY(mapped.mapped() && !held.mapped());
    QCOMPARE(mapped.size(), held.size());
    QCOMPARE(mapped.size(), std::int64_t(24));
    QCOMPARE(mapped.inputs.scalar_type(), torch::kInt16);  // views of the file, not copies
    const auto indices = torch::tensor({3, 0, 23, 11}, torch::kInt64);
    const Batch a = mapped.batch(indices), b = held.batch(indices);
    QCOMPARE(a.inputs.scalar_type(), torch::kInt64);
    QVERIFY(torch::equal(a.inputs, b.inputs) && torch::equal(a.targets, b.targets));
    QVERIFY(torch::equal(mapped.slice(20, 24).targets, held.slice(20, 24).targets));
    QVERIFY(torch::equal(mapped.head(5).slice(0, 5).inputs, held.slice(0, 5).inputs));
    QVERIFY(
        torch::equal(mapped.select({7, 2}).batch(torch::tensor({1}, torch::kInt64)).inputs, held.slice(2, 3).inputs));
  }

  void computedShuffleIsAPermutationAndTheHeldOneUnchanged() {
    for (const std::int64_t n : {1, 2, 7, 1000, 4097}) {
      const ComputedPermutation permutation(n, 42);
      std::set<std::int64_t> seen;
      for (std::int64_t i = 0; i < n; ++i) seen.insert(permutation.at(i));
      QCOMPARE(static_cast<std::int64_t>(seen.size()), n);
      QVERIFY(*seen.begin() == 0 && *seen.rbegin() == n - 1);
    }
    const ComputedPermutation a(1000, 1), b(1000, 2);
    int same = 0, in_place = 0;
    for (std::int64_t i = 0; i < 1000; ++i) {
      same += a.at(i) == b.at(i);
      in_place += a.at(i) == i;
    }
    QVERIFY2(same < 20 && in_place < 20, qPrintable(QString("%1 %2").arg(same).arg(in_place)));

    // Held: the batches of seeded_permutation and rank_shard, as every in-memory run has had them.
    const auto order = seeded_permutation(103, 9);
    for (int rank = 0; rank < 3; ++rank) {
      EpochBatches batches(103, 9, 10, EpochBatches::Shuffle::Held, rank, 3);
      const auto shard = rank_shard(order, rank, 3);
      QCOMPARE(batches.size(), std::size_t(4));  // 35 positions a rank, batches of 10
      std::vector<std::int64_t> flat;
      for (std::size_t k = 0; k < batches.size(); ++k) {
        const auto t = batches.indices(k);
        QCOMPARE(batches.samples_in(k), t.size(0));
        flat.insert(flat.end(), t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel());
      }
      QCOMPARE(flat, shard);
    }
    EpochBatches resumed(103, 9, 10, EpochBatches::Shuffle::Computed);
    const auto third = resumed.indices(2);
    resumed.skip(2);
    QCOMPARE(resumed.size(), std::size_t(9));
    QVERIFY(torch::equal(resumed.indices(0), third));
    QCOMPARE(resumed.samples_in(8), std::int64_t(3));
  }

  void languageModelTrainsOnATokenisedCorpusAsOnItsText() {
    configure_runtime(2);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const Experiment text = parse_experiment(grammar_experiment(root));
    const fs::path corpus = root / "corpus";
    std::vector<std::string> written;
    TokenCorpusWriteOptions options;
    options.on_split = [&](const std::string& split, std::int64_t) { written.push_back(split); };
    const Json summary = write_token_corpus(text, corpus, options);
    QCOMPARE(written, (std::vector<std::string>{"train", "validation", "test"}));
    QCOMPARE(summary["tokenizer"]["type"].get<std::string>(), std::string("char"));
    QVERIFY(!fs::exists(root / "corpus.partial"));
    // A written corpus is never overwritten.
    QVERIFY_EXCEPTION_THROWN(write_token_corpus(text, corpus), IoError);
    QVERIFY(fs::exists(token_split_file(corpus, "train")));

    Json doc = grammar_experiment(root);
    doc["data"] = Json{{"source", "tokens"}, {"folder", corpus.string()}, {"context_length", 16}};
    const Experiment mapped = parse_experiment(doc);
    const auto in_memory = load_language_model_data(text);
    const auto from_file = load_language_model_data(mapped);
    QVERIFY(from_file.train.mapped() && from_file.token_corpus);
    QCOMPARE(from_file.train_tokens, in_memory.train_tokens);
    QCOMPARE(from_file.train.size(), in_memory.train.size());
    QVERIFY(torch::equal(from_file.validation.slice(0, from_file.validation.size()).inputs,
                         in_memory.validation.slice(0, in_memory.validation.size()).inputs));
    QVERIFY(std::abs(from_file.unigram_baseline_loss - in_memory.unigram_baseline_loss) < 1e-9);
    QCOMPARE(from_file.validation_unknown_rate, in_memory.validation_unknown_rate);

    const fs::path run_dir = root / "run";
    const auto result = ExperimentRun(mapped, run_dir).train();
    QVERIFY(result.validation && result.test);
    QVERIFY2(
        result.validation->loss < 0.8 * from_file.unigram_baseline_loss,
        qPrintable(
            QString("validation %1, unigram %2").arg(result.validation->loss).arg(from_file.unigram_baseline_loss)));
    const Json report = Json::parse(read_file(run_dir / "report.json"));
    QCOMPARE(report["data"]["token_corpus"].get<std::string>(), corpus.string());
    // The run's saved tokenizer is the corpus's; evaluation maps the corpus again.
    EvaluationRequest request;
    request.run_dir = run_dir;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.language_model);
    QVERIFY(std::abs(evaluation.language_model->cross_entropy - result.test->loss) < 1e-5);

    // The data preview shows the first training documents as tokens, read from the mapping.
    const auto previewed = write_data_preview(mapped, PreviewRequest{3, root / "preview"});
    const Json preview = Json::parse(read_file(root / "preview" / "preview.json"));
    QCOMPARE(preview["kind"].get<std::string>(), std::string("text"));
    QCOMPARE(preview["tokenizer"]["examples"].size(), size_t(3));
    const std::string first = preview["tokenizer"]["examples"][0]["text"].get<std::string>();
    QVERIFY2(first.find(" sees ") != std::string::npos || first.find(" likes ") != std::string::npos ||
                 first.find(" finds ") != std::string::npos || first.find(" wants ") != std::string::npos,
             first.c_str());

    // An id the header does not admit, hidden in the body, stops training with a clear message.
    const fs::path train_file = token_split_file(corpus, "train");
    const std::uint16_t bad = 60000;
    patch(train_file, kTokenFileHeaderBytes + 2 * 5, &bad, 2);
    doc["train"]["epochs"] = 1;
    try {
      ExperimentRun(parse_experiment(doc), root / "bad-run").train();
      QFAIL("trained on a corrupt corpus");
    } catch (const Error& error) {
      QVERIFY2(QString(error.what()).contains("is outside the vocabulary"), error.what());
    }
  }

  void streamedTokenizeReadsOneFileAtATime() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    // The grammar's 240 records (64 different) in three files, and a fourth repeating the first.
    const std::string text = tiny_grammar_text();
    const auto third = text.size() / 3;
    const auto cut = [&](std::size_t at) { return text.find("%\n", at) + 2; };
    fs::create_directories(root / "texts");
    write_text_atomically(root / "texts/a.txt", text.substr(0, cut(third)));
    write_text_atomically(root / "texts/b.txt", text.substr(cut(third), cut(2 * third) - cut(third)));
    write_text_atomically(root / "texts/c.txt", text.substr(cut(2 * third)));
    write_text_atomically(root / "texts/d.txt", text.substr(0, cut(third)));
    Json doc = grammar_experiment(root);
    doc["data"]["paths"] = Json::array({(root / "texts").string()});
    doc["data"]["steps"] = Json::parse(R"([{"op": "collapse_whitespace"}, {"op": "dedup_exact"}])");
    const Experiment e = parse_experiment(doc);
    TokenCorpusWriteOptions options;
    options.stream = true;
    options.tokenizer_sample_bytes = 2000;  // the tokenizer sees the first training records only
    const Json summary = write_token_corpus(e, root / "streamed", options);
    QVERIFY(summary["streamed"].get<bool>());
    QCOMPARE(summary["files"].size(), size_t(4));
    const auto read = summary["records_read"].get<std::int64_t>();
    QVERIFY2(read > 240, qPrintable(QString::number(read)));  // the fourth file's copies too
    std::uint64_t documents = 0;
    for (const char* split : kTokenCorpusSplits)
      documents += summary["splits"][split]["documents"].get<std::uint64_t>();
    QCOMPARE(documents, std::uint64_t(64));  // every duplicate dropped, across files
    QCOMPARE(summary["duplicates_removed"].get<std::int64_t>(), read - 64);
    QVERIFY(summary["splits"]["train"]["documents"].get<std::uint64_t>() > 40);
    // Seeded: the same corpus again, byte for byte; and the same files in another folder split alike
    // (each record's place under the data path decides its split, not where the folder is).
    write_token_corpus(e, root / "again", options);
    fs::create_directories(root / "moved");
    fs::copy(root / "texts", root / "moved" / "elsewhere", fs::copy_options::recursive);
    Json moved = doc;
    moved["data"]["paths"] = Json::array({(root / "moved" / "elsewhere").string()});
    write_token_corpus(parse_experiment(moved), root / "from-elsewhere", options);
    for (const char* split : kTokenCorpusSplits) {
      QVERIFY(read_file(token_split_file(root / "streamed", split)) ==
              read_file(token_split_file(root / "again", split)));
      QVERIFY(read_file(token_split_file(root / "streamed", split)) ==
              read_file(token_split_file(root / "from-elsewhere", split)));
    }
    // It trains like any corpus.
    Json mapped = grammar_experiment(root);
    mapped["data"] = Json{{"source", "tokens"}, {"folder", (root / "streamed").string()}, {"context_length", 16}};
    QVERIFY(load_language_model_data(parse_experiment(mapped)).train.size() > 0);
    // Near-duplicate detection compares every record with every other: refused when streaming.
    doc["data"]["steps"] = Json::parse(R"([{"op": "dedup_near"}])");
    try {
      write_token_corpus(parse_experiment(doc), root / "near", options);
      QFAIL("streamed with dedup_near");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("dedup_near"), error.what());
    }
    QVERIFY(!fs::exists(root / "near") && !fs::exists(root / "near.partial"));
  }

  void aRunsTokenizerMustNumberTokensAsTheCorpusDoes() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const Experiment text = parse_experiment(grammar_experiment(root));
    // A tokenizer of the same characters at other frequencies: the same size, numbered differently.
    std::vector<std::string> records;
    for (const auto& record : prepare_text(text).train) records.push_back(record.text);
    records.push_back(std::string(5000, 'k'));
    const std::shared_ptr<const Tokenizer> other = train_tokenizer(text.data.tokenizer, records);
    TokenCorpusWriteOptions options;
    options.tokenizer = other;
    const Json summary = write_token_corpus(text, root / "with-other", options);
    QVERIFY(!summary["tokenizer"]["trained_here"].get<bool>());
    const TokenCorpus corpus = open_token_corpus(root / "with-other");
    QCOMPARE(corpus.tokenizer->vocab_size(), other->vocab_size());
    check_same_vocabulary(corpus, *other, "the given one");  // the same numbering: accepted

    write_token_corpus(text, root / "own");
    Json doc = grammar_experiment(root);
    doc["data"] = Json{{"source", "tokens"}, {"folder", (root / "own").string()}, {"context_length", 16}};
    try {
      load_language_model_data(parse_experiment(doc), other);
      QFAIL("accepted a tokenizer that numbers tokens differently");
    } catch (const DataError& error) {
      QVERIFY2(
          QString(error.what()).contains("in the run's tokenizer") && QString(error.what()).contains("--tokenizer"),
          error.what());
    }
  }

  void tokenSourceIsCheckedWhenParsed() {
    QTemporaryDir dir;
    Json doc = grammar_experiment(dir.path().toStdString());
    doc["data"] = Json{{"source", "tokens"}, {"folder", "corpus"}, {"paths", {"x.txt"}}};
    const auto error_of = [](const Json& d) -> QString {
      try {
        parse_experiment(d);
      } catch (const ConfigError& error) {
        return error.what();
      }
      return "accepted";
    };
    QVERIFY2(error_of(doc).contains("data.paths"), qPrintable(error_of(doc)));
    doc["data"].erase("paths");
    QCOMPARE(error_of(doc), QString("accepted"));
    doc["data"].erase("folder");
    QVERIFY2(error_of(doc).contains("data.folder"), qPrintable(error_of(doc)));
    doc["data"]["folder"] = "corpus";
    doc["task"] = "classification";
    QVERIFY2(error_of(doc).contains("\"tokens\""), qPrintable(error_of(doc)));
    // The experiment round-trips through its JSON form.
    doc["task"] = "language_model";
    const Experiment e = parse_experiment(doc);
    QCOMPARE(parse_experiment(experiment_to_json(e)).data.folder, std::string("corpus"));
  }
};

CRADLE_REGISTER_TEST(TokenCorpusTest);

}  // namespace cradle::test

#include "token_corpus_test.moc"
