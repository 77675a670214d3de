// Text classification: labels from JSONL fields, class folders and file
// names; the stratified record split; padding and truncation; padding never
// changing a prediction (packed recurrent stacks, masked attention and
// pooling); and a bidirectional GRU and a transformer encoder learning a
// small labelled corpus.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <map>
#include <random>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/text_classification_data.h"
#include "core/eval/classifier_evaluation.h"
#include "core/experiment/experiment.h"
#include "core/models/model_inspection.h"
#include "core/models/text_classifier.h"
#include "core/text/jsonl_reader.h"
#include "core/train/runtime.h"
#include "core/train/trainer.h"
#include "tests/support/experiment_refusal.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace fs = std::filesystem;
namespace {

// Two topics told apart by their nouns, between shared filler words, 2 to 14
// words long so batches mix lengths (and padding).
void write_topics_jsonl(const fs::path& file, int records, unsigned seed) {
  const std::vector<std::string> animals = {"cat", "dog", "horse", "bird", "fish"};
  const std::vector<std::string> tools = {"hammer", "saw", "drill", "wrench", "nail"};
  const std::vector<std::string> filler = {"the", "a", "big", "old", "and", "with", "near", "my"};
  std::mt19937 random(seed);
  std::string content;
  for (int i = 0; i < records; ++i) {
    const bool tool = random() % 2;
    const int words = 2 + static_cast<int>(random() % 13);
    std::string text;
    for (int w = 0; w < words; ++w) {
      const auto& pool = random() % 3 == 0 ? (tool ? tools : animals) : filler;
      text += (text.empty() ? "" : " ") + pool[random() % pool.size()];
    }
    text += tool ? " saw" : " cat";  // every text holds at least one topic word
    content += Json{{"text", text}, {"topic", tool ? "tools" : "animals"}}.dump() + "\n";
  }
  write_text_atomically(file, content);
}

Experiment topics_experiment(const QString& dir, const std::string& model_json) {
  write_topics_jsonl(fs::path(dir.toStdString()) / "topics.jsonl", 400, 7);
  Json doc = Json::parse(R"({"name": "topics", "threads": 1, "seed": 5, "task": "classification",
    "data": {"source": "jsonl", "paths": ["topics.jsonl"], "label_field": "topic", "context_length": 48,
             "tokenizer": {"type": "char"}, "cache": false},
    "train": {"epochs": 6, "batch_size": 16, "optimizer": "adamw", "lr": 0.003}})");
  doc["model"] = Json::parse(model_json);
  auto e = parse_experiment(doc);
  e.base_dir = dir.toStdString();
  return e;
}

}  // namespace

class TextClassificationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void jsonlLabelsAreStringsOrIntegers() {
    TextCorpus corpus;
    read_jsonl_texts("{\"text\": \"one\", \"y\": \"spam\"}\n{\"text\": \"two\", \"y\": 3}\n", "d.jsonl", "text", false,
                     corpus, "y");
    QCOMPARE(corpus.records.size(), size_t(2));
    QCOMPARE(corpus.records[0].label, std::string("spam"));
    QCOMPARE(corpus.records[1].label, std::string("3"));
    const auto error = [](const std::string& content) {
      TextCorpus c;
      try {
        read_jsonl_texts(content, "d.jsonl", "text", false, c, "y");
      } catch (const DataError& e) {
        return QString(e.what());
      }
      return QString("accepted");
    };
    QCOMPARE(error("{\"text\": \"a\", \"y\": 1}\n{\"text\": \"b\"}\n"),
             QString("d.jsonl:2: no \"y\" field (the class)"));
    QCOMPARE(error("{\"text\": \"a\", \"y\": 0.5}\n"),
             QString("d.jsonl:1: \"y\" must be a string or an integer, got a number"));
    QCOMPARE(error("{\"text\": \"a\", \"y\": \"\"}\n"), QString("d.jsonl:1: \"y\" is empty"));
    // Skipping bad records skips the unlabelled one only.
    TextCorpus skipping;
    read_jsonl_texts("{\"text\": \"a\"}\n{\"text\": \"b\", \"y\": \"k\"}\n", "d.jsonl", "text", true, skipping, "y");
    QCOMPARE(skipping.records.size(), size_t(1));
    QCOMPARE(skipping.skipped.size(), size_t(1));
  }

  void labelsFromFoldersAndFileNames() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_text_atomically(root / "reviews" / "neg" / "a.txt", "bad\n\nawful\n");
    write_text_atomically(root / "reviews" / "pos" / "b.txt", "good\n");
    write_text_atomically(root / "reviews" / "stray.txt", "in no class folder\n");
    TextCorpusOptions options;
    options.split = RecordSplit::Paragraph;
    const auto by_folder = read_class_folders({root / "reviews"}, options);
    QCOMPARE(by_folder.records.size(), size_t(3));
    QCOMPARE(by_folder.records[0].label, std::string("neg"));
    QCOMPARE(by_folder.records[1].label, std::string("neg"));
    QCOMPARE(by_folder.records[2].label, std::string("pos"));
    QVERIFY_THROWS_EXCEPTION(IoError, read_class_folders({root / "reviews" / "pos"}, options));  // no class folders

    const auto by_file =
        read_class_files({root / "reviews" / "neg" / "a.txt", root / "reviews" / "stray.txt"}, options);
    QCOMPARE(by_file.records.back().label, std::string("stray"));
    QCOMPARE(by_file.records.front().label, std::string("a"));
  }

  void experimentFieldsFollowTheTask() {
    const Json base = Json::parse(R"({"name": "t", "task": "classification",
      "data": {"source": "jsonl", "paths": ["x.jsonl"]}, "model": {"type": "gru", "bidirectional": true}})");
    const Experiment e = parse_experiment(base);
    QVERIFY(is_text_classification(e));
    QCOMPARE(e.data.label_field, std::string("label"));
    QCOMPARE(e.model.pooling, std::string("last"));
    QVERIFY(e.model.bidirectional);
    // The canonical form reads back the same.
    QCOMPARE(serialize_experiment(parse_experiment(experiment_to_json(e))), serialize_experiment(e));
    QCOMPARE(parse_experiment(Json::parse(R"({"name": "t", "task": "classification",
      "data": {"source": "jsonl", "paths": ["x.jsonl"]}, "model": {"type": "encoder"}})"))
                 .model.pooling,
             std::string("mean"));

    Json lm = base;
    lm["task"] = "language_model";
    QCOMPARE(experiment_refusal(lm),
             QString("model.bidirectional: only used by task \"classification\" (a text classifier); a "
                     "language_model model reads its input left to right and predicts at every position"));
    lm["model"] = Json{{"type", "encoder"}};
    QCOMPARE(
        experiment_refusal(lm),
        QString("model.type: task \"language_model\" needs \"lstm\", \"gru\", \"rnn\" or \"gpt\", got \"encoder\""));
    lm["model"] = Json{{"type", "gru"}};
    lm["data"]["label_field"] = "y";
    QCOMPARE(experiment_refusal(lm), QString("data.label_field: only used by task \"classification\""));

    Json cnn = base;
    cnn["model"] = Json{{"type", "cnn"}};
    QCOMPARE(experiment_refusal(cnn),
             QString("model.type: text classification needs \"lstm\", \"gru\", \"rnn\" or \"encoder\", got \"cnn\""));
    Json images =
        Json::parse(R"({"name": "t", "data": {"source": "cifar10", "folder": "c"}, "model": {"type": "encoder"}})");
    QVERIFY(experiment_refusal(images).startsWith("model.type: \"encoder\" reads text"));
    Json folder = Json::parse(
        R"({"name": "t", "data": {"source": "text", "paths": ["p"], "label_from": "name"}, "model": {"type": "gru"}})");
    QVERIFY(experiment_refusal(folder).startsWith("data.label_from: must be one of"));
  }

  void splitsAreStratifiedAndTextsPadded() {
    QTemporaryDir dir;
    // 3:1 class balance; the test and validation splits keep it.
    std::string content;
    for (int i = 0; i < 200; ++i)
      content +=
          Json{{"text", std::string(1 + i % 30, i % 4 == 0 ? 'b' : 'a')}, {"label", i % 4 == 0 ? 1 : 0}}.dump() + "\n";
    write_text_atomically(fs::path(dir.path().toStdString()) / "d.jsonl", content);
    Json doc =
        Json::parse(R"({"name": "t", "seed": 9, "data": {"source": "jsonl", "paths": ["d.jsonl"], "context_length": 20,
      "tokenizer": {"type": "char"}, "test_fraction": 0.2, "validation_fraction": 0.25, "cache": false}, "model": {"type": "gru"}})");
    auto e = parse_experiment(doc);
    e.base_dir = dir.path().toStdString();
    const auto data = load_text_classification_data(e);
    QCOMPARE(data.class_names, (std::vector<std::string>{"0", "1"}));  // integer labels, numeric order
    QCOMPARE(data.test.size(), std::int64_t(40));
    QCOMPARE(data.test.targets.sum().item<std::int64_t>(), std::int64_t(10));  // a quarter of class 1
    QCOMPARE(data.validation.targets.sum().item<std::int64_t>(),
             std::int64_t(10));  // 0.25 of the 160 left, a quarter of them
    QCOMPARE(data.majority_baseline_accuracy, 0.75);
    // Left-aligned ids, <pad> after, cut at context_length.
    const auto lengths = data.train.inputs.ne(kPadId).sum(1);
    QCOMPARE(lengths.max().item<std::int64_t>(), std::int64_t(20));
    QVERIFY(data.truncated_records > 0);
    for (std::int64_t i = 0; i < data.train.size(); ++i) {
      const auto n = lengths[i].item<std::int64_t>();
      QVERIFY(data.train.inputs[i].slice(0, 0, n).ne(kPadId).all().item<bool>());
      QVERIFY(data.train.inputs[i].slice(0, n).eq(kPadId).all().item<bool>());
    }
    // Named classes: integer labels index them, other labels must be among them.
    e.data.class_names = {"ham", "spam"};
    QCOMPARE(load_text_classification_data(e).class_names, (std::vector<std::string>{"ham", "spam"}));
    e.data.class_names = {"only", "x"};
    write_text_atomically(fs::path(dir.path().toStdString()) / "d.jsonl",
                          "{\"text\": \"a\", \"label\": \"other\"}\n" + content);
    try {
      load_text_classification_data(e);
      QFAIL("an unknown class was accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("d.jsonl:1: class \"other\" is not in data.class_names"), error.what());
    }
  }

  void paddingNeverChangesAPrediction() {
    for (const char* json :
         {R"({"type": "gru", "embedding_size": 8, "hidden_size": 12, "bidirectional": true})",
          R"({"type": "lstm", "embedding_size": 8, "hidden_size": 12, "layers": 2, "pooling": "mean"})",
          R"({"type": "rnn", "embedding_size": 8, "hidden_size": 12, "bidirectional": true, "pooling": "max"})",
          R"({"type": "encoder", "width": 16, "heads": 2, "layers": 2})",
          R"({"type": "encoder", "width": 16, "heads": 2, "layers": 1, "position": "rotary", "pooling": "last"})"}) {
      torch::manual_seed(2);
      const Json spec_json = Json::parse(json);
      auto model = build_text_classifier(parse_model_spec(JsonObjectReader(spec_json, "model"), Task::Classification),
                                         16, 30, 3);
      model->eval();
      torch::NoGradGuard no_grad;
      const auto short_text =
          torch::tensor({5, 9, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, torch::kInt64).view({1, 16});
      const auto long_text = torch::arange(4, 20, torch::kInt64).view({1, 16});
      const auto alone = model->forward(short_text.narrow(1, 0, 4));
      const auto padded_alone = model->forward(short_text);
      const auto in_batch = model->forward(torch::cat({long_text, short_text}));
      QVERIFY2(torch::allclose(alone, padded_alone, 1e-5, 1e-6), json);
      QVERIFY2(torch::allclose(alone, in_batch[1].unsqueeze(0), 1e-5, 1e-6), json);
      // A token inside the text does change it (the check above is not vacuous).
      auto changed = short_text.clone();
      changed[0][1] = 11;
      QVERIFY2(!torch::allclose(alone, model->forward(changed), 1e-5, 1e-6), json);
    }
  }

  void layerTableOfATextClassifier() {
    const Json spec_json =
        Json::parse(R"({"type": "lstm", "embedding_size": 8, "hidden_size": 10, "layers": 1, "bidirectional": true})");
    auto model =
        build_text_classifier(parse_model_spec(JsonObjectReader(spec_json, "model"), Task::Classification), 16, 30, 3);
    const auto s = summarize_model(model, {16});
    QCOMPARE(s.layers.front().name, std::string("trim_padding"));
    QCOMPARE(s.layers.front().output_shape, (std::vector<std::int64_t>{16}));    // a full-length text
    QCOMPARE(s.layers.at(2).output_shape, (std::vector<std::int64_t>{16, 20}));  // both directions
    QCOMPARE(s.layers.back().output_shape, (std::vector<std::int64_t>{3}));
    // Embedding 30x8; per direction 4 gates x 10 x (8 + 10 + 2 biases); classifier 20x3 + 3.
    QCOMPARE(s.total_parameters, std::int64_t(30 * 8 + 2 * 4 * 10 * (8 + 10 + 2) + 20 * 3 + 3));
  }

  void gruAndEncoderLearnTopics() {
    for (
        const char* json :
        {R"({"type": "gru", "embedding_size": 16, "hidden_size": 24, "layers": 1, "bidirectional": true, "pooling": "max"})",
         R"({"type": "encoder", "width": 32, "heads": 2, "layers": 1})"}) {
      QTemporaryDir dir;
      const Experiment e = topics_experiment(dir.path(), json);
      configure_runtime(e.threads);
      const auto data = load_text_classification_data(e);
      torch::manual_seed(e.seed);
      auto model = build_text_classifier(e.model, e.data.context_length, data.vocab_size(), data.num_classes());
      Trainer trainer(e, model, data, TrainerSetup{});
      trainer.run();
      const auto scores = evaluate_classifier(model, data.test, 64, torch::kCPU);
      QVERIFY2(
          scores.accuracy > 0.9 && scores.accuracy > data.majority_baseline_accuracy + 0.3,
          qPrintable(
              QString("%1: %2 (baseline %3)").arg(json).arg(scores.accuracy).arg(data.majority_baseline_accuracy)));
    }
  }
};

CRADLE_REGISTER_TEST(TextClassificationTest);

}  // namespace cradle::test

#include "text_classification_test.moc"
