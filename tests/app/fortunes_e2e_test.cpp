// The fortunes sample projects through cradle-cli on the real corpora (a
// subset of the sequences, to stay quick): the cleaning steps report what they
// removed, the model beats the unigram baseline, the tokenizer is saved, and
// `eval` reproduces the report.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "tests/app/cli_process.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

QJsonObject read_json(const QString& path) { return QJsonDocument::fromJson(read_all(path)).object(); }

QJsonObject step_report(const QJsonObject& data, const QString& op) {
  for (const auto& step : data["steps"].toArray())
    if (step.toObject()["op"].toString() == op) return step.toObject();
  return {};
}

// Trains `project` briefly; returns the report.
QJsonObject train_subset(const QString& project, const QString& out, const QStringList& extra = {}) {
  QStringList args = {"train", QStringLiteral(CRADLE_SOURCE_DIR "/projects/") + project + "/experiment.json",
                      "--out", out,
                      "--set", "train.epochs=1",
                      "--set", "data.max_train_samples=3000",
                      "--set", "data.max_test_samples=500"};
  args += extra;
  const auto r = run_cli(args, 600000);
  if (r.exit_code != 0) qWarning("%s", qPrintable(r.out + r.err));
  return r.exit_code == 0 ? read_json(out + "/report.json") : QJsonObject();
}

void expect_one_line_error_contains(const ProcessResult& r, const QString& fragment) {
  QVERIFY(r.exit_code != 0);
  QVERIFY2(r.err.contains(fragment), qPrintable(r.err));
}

// `cradle-cli export --onnx` of a language model: ONNX Runtime reproduces LibTorch's logits on windows of the test text.
void expect_onnx_export_matches(const QString& run, const QString& bundle) {
  const auto exported = run_cli({"export", run, "--out", bundle, "--onnx"}, 600000);
  QVERIFY2(exported.exit_code == 0, qPrintable(exported.out + exported.err));
  QVERIFY2(exported.out.contains("input_ids: int64 [batch, sequence <= 64] -> logits: float32 [batch, sequence, "),
           qPrintable(exported.out));
  const auto match =
      QRegularExpression("ONNX Runtime [0-9.]+ on 16 inputs: max \\|difference\\| from LibTorch ([0-9.e+-]+)")
          .match(exported.out);
  QVERIFY2(match.hasMatch(), qPrintable(exported.out));
  QVERIFY2(match.captured(1).toDouble() <= 1e-4, qPrintable(exported.out));
  QVERIFY(QFile::exists(bundle + "/model/model.onnx"));
}

void expect_eval_reproduces(const QString& run, const QJsonObject& report) {
  const auto eval = run_cli({"eval", run}, 600000);
  QCOMPARE(eval.exit_code, 0);
  const auto match = QRegularExpression("token accuracy ([0-9.]+), loss ([0-9.]+)").match(eval.out);
  QVERIFY2(match.hasMatch(), qPrintable(eval.out));
  const auto test = report["metrics"].toObject()["test"].toObject();
  QCOMPARE(match.captured(1), QString::number(test["accuracy"].toDouble(), 'f', 4));
  QCOMPARE(match.captured(2), QString::number(test["loss"].toDouble(), 'f', 4));
}

}  // namespace

class FortunesEndToEndTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void englishFortunesLearnBeyondUnigrams() {
    QTemporaryDir dir;
    const QString out = dir.filePath("run");
    const auto report = train_subset("fortunes-lstm", out);
    QCOMPARE(report["status"].toString(), QStringLiteral("completed"));
    const auto data = report["data"].toObject();
    QVERIFY(data["records_read"].toInt() > 10000);
    // The corpus repeats some cookies across files: both de-duplication steps find some.
    QVERIFY(step_report(data, "dedup_exact")["records_removed"].toInt() > 0);
    QVERIFY(step_report(data, "dedup_near")["records_removed"].toInt() > 0);
    QVERIFY(step_report(data, "remove_control")["records_changed"].toInt() > 0);  // backspace overstrikes
    const double loss = report["metrics"].toObject()["validation"].toObject()["loss"].toDouble();
    const double baseline = data["unigram_baseline_loss"].toDouble();
    QVERIFY2(loss < baseline - 0.3,
             qPrintable(QString("validation loss %1, unigram baseline %2").arg(loss).arg(baseline)));
    QVERIFY(QFile::exists(out + "/model/tokenizer.json"));
    expect_eval_reproduces(out, report);
    expect_onnx_export_matches(out, dir.filePath("bundle"));  // the LSTM as ONNX's LSTM operator
  }

  void englishFortunesGptLearnsBeyondUnigrams() {
    // The GPT sample with its sentencepiece BPE tokenizer, shortened: 375 steps of 8 sequences at a constant rate.
    QTemporaryDir dir;
    const QString out = dir.filePath("run");
    const auto report = train_subset(
        "fortunes-gpt", out,
        {"--set", R"(train.schedule={"type": "constant", "warmup_steps": 20})", "--set", "train.batch_size=8"});
    QCOMPARE(report["status"].toString(), QStringLiteral("completed"));
    const auto data = report["data"].toObject();
    QCOMPARE(data["tokenizer"].toObject()["type"].toString(), QString("bpe"));
    QVERIFY(QFile::exists(out + "/model/tokenizer.model"));
    const double loss = report["metrics"].toObject()["validation"].toObject()["loss"].toDouble();
    const double baseline = data["unigram_baseline_loss"].toDouble();
    QVERIFY2(loss < baseline - 0.5,
             qPrintable(QString("validation loss %1, unigram baseline %2").arg(loss).arg(baseline)));
    expect_eval_reproduces(out, report);
    const auto evaluation = read_json(out + "/evaluation/test-last/report.json");
    QCOMPARE(evaluation["generations"].toArray().size(), 3);
    QVERIFY(evaluation["metrics"].toObject()["bits_per_character"].toDouble() > 0);
    expect_onnx_export_matches(out, dir.filePath("bundle"));

    // Greedy text, streamed: the same with the key/value cache as recomputing the
    // context, past the 64-token context (the window moves), and the speed reported.
    const QStringList greedy = {"generate",      out, "--prompt",     "The meaning of life",
                                "--temperature", "0", "--max-tokens", "100"};
    const auto cached = run_cli(greedy), recomputed = run_cli(greedy + QStringList{"--no-cache"});
    QVERIFY2(cached.exit_code == 0 && recomputed.exit_code == 0, qPrintable(cached.err + recomputed.err));
    QVERIFY(cached.out.startsWith("The meaning of life"));
    QCOMPARE(cached.out, recomputed.out);
    QVERIFY2(cached.err.contains(QRegularExpression("tokens/s, key/value cache")), qPrintable(cached.err));
    QVERIFY(recomputed.err.contains("context recomputed"));
    // Sampling with every option, seeded: the same text twice.
    const QStringList sampled = {"generate",
                                 out,
                                 "--prompt",
                                 "A",
                                 "--temperature",
                                 "0.9",
                                 "--top-k",
                                 "50",
                                 "--top-p",
                                 "0.9",
                                 "--repetition-penalty",
                                 "1.2",
                                 "--seed",
                                 "4",
                                 "--max-tokens",
                                 "40",
                                 "--stop",
                                 "\n\n"};
    QCOMPARE(run_cli(sampled).out, run_cli(sampled).out);
    expect_one_line_error_contains(run_cli({"generate", out, "--top-p", "0"}), "top-p");
  }

  void chineseFortunesLoseTheirColourCodesOnly() {
    QTemporaryDir dir;
    const QString out = dir.filePath("run");
    const auto report = train_subset("fortunes-zh-lstm", out);
    QCOMPARE(report["status"].toString(), QStringLiteral("completed"));
    const auto data = report["data"].toObject();
    const auto control = step_report(data, "remove_control");
    QVERIFY(control["records_changed"].toInt() > 1000);
    // The example shows the escape codes gone and the Chinese text kept.
    const auto example = control["examples"].toArray()[0].toObject();
    QVERIFY(example["before"].toString().contains(QChar(0x1b)));
    QVERIFY(!example["after"].toString().contains(QChar(0x1b)));
    QCOMPARE(example["after"].toString().count(QRegularExpression("[\\x{4e00}-\\x{9fff}]")),
             example["before"].toString().count(QRegularExpression("[\\x{4e00}-\\x{9fff}]")));
    const auto tokenizer = read_json(out + "/model/tokenizer.json");
    QVERIFY(tokenizer["characters"].toArray().size() > 3000);  // CJK characters each get a token
    for (const auto& c : tokenizer["characters"].toArray()) QVERIFY(!c.toString().contains(QChar(0x1b)));
    const double loss = report["metrics"].toObject()["validation"].toObject()["loss"].toDouble();
    QVERIFY2(
        loss < data["unigram_baseline_loss"].toDouble(),
        qPrintable(QString("validation loss %1, baseline %2").arg(loss).arg(data["unigram_baseline_loss"].toDouble())));
    expect_eval_reproduces(out, report);
  }
};

CRADLE_REGISTER_TEST(FortunesEndToEndTest);

}  // namespace cradle::test

#include "fortunes_e2e_test.moc"
