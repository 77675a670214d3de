// cradle-cli as a user runs it: exit codes, one-line errors, a complete run
// folder, and `eval` reproducing the reported accuracy.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/types.h>
#include <cmath>
#include <csignal>

#include "tests/app/cli_process.h"
#include "tests/app/report_checks.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

QJsonObject read_json(const QString& path) { return QJsonDocument::fromJson(read_all(path)).object(); }

// A tiny Llama checkpoint as the Hub lays it out (config.json, model.safetensors
// with F32 tensors under the Hub's names), written by hand: 2 layers, width 16,
// 2 heads sharing 1 key/value head, MLP 32, vocabulary 40, tied output.
void write_tiny_llama_folder(const QString& folder) {
  QDir().mkpath(folder);
  QFile config(folder + "/config.json");
  QVERIFY(config.open(QIODevice::WriteOnly));
  config.write(R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 40,
    "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
    "num_key_value_heads": 1, "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
    "hidden_act": "silu", "tie_word_embeddings": true, "torch_dtype": "float32"})");
  config.close();
  std::vector<std::pair<QString, std::vector<int>>> shapes = {{"model.embed_tokens.weight", {40, 16}},
                                                              {"model.norm.weight", {16}}};
  for (int layer = 0; layer < 2; ++layer) {
    const QString p = QString("model.layers.%1.").arg(layer);
    shapes.push_back({p + "input_layernorm.weight", {16}});
    shapes.push_back({p + "post_attention_layernorm.weight", {16}});
    shapes.push_back({p + "self_attn.q_proj.weight", {16, 16}});
    shapes.push_back({p + "self_attn.k_proj.weight", {8, 16}});
    shapes.push_back({p + "self_attn.v_proj.weight", {8, 16}});
    shapes.push_back({p + "self_attn.o_proj.weight", {16, 16}});
    shapes.push_back({p + "mlp.gate_proj.weight", {32, 16}});
    shapes.push_back({p + "mlp.up_proj.weight", {32, 16}});
    shapes.push_back({p + "mlp.down_proj.weight", {16, 32}});
  }
  QJsonObject header;
  QByteArray data;
  for (const auto& [name, shape] : shapes) {
    int count = 1;
    QJsonArray dims;
    for (int d : shape) count *= d, dims.append(d);
    const qsizetype begin = data.size();
    for (int i = 0; i < count; ++i) {
      const float value = 0.1f * static_cast<float>(std::sin(0.37 * (i + begin)));
      data.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
    header[name] = QJsonObject{{"dtype", "F32"}, {"shape", dims}, {"data_offsets", QJsonArray{begin, data.size()}}};
  }
  QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
  while (json.size() % 8) json.append(' ');
  const quint64 length = static_cast<quint64>(json.size());
  QFile weights(folder + "/model.safetensors");
  QVERIFY(weights.open(QIODevice::WriteOnly));
  weights.write(reinterpret_cast<const char*>(&length), 8);
  weights.write(json);
  weights.write(data);
}

// A 40-token sentencepiece-style tokenizer for that model: <unk>, <s>, </s>,
// `▁`, the letters and ten merges; `extra_tokens` added tokens after them.
void write_tiny_llama_tokenizer(const QString& folder, int extra_tokens) {
  const QString boundary = QString::fromUtf8("\u2581");
  QJsonObject vocab{{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}, {boundary, 3}};
  for (char c = 'a'; c <= 'z'; ++c) vocab[QString(QChar(c))] = 4 + (c - 'a');
  const QStringList merges = {boundary + " t", "h e", boundary + "t he", "e r", "i n", boundary + " a", "o n", "a n",
                              "r e",           "e d"};
  for (const QString& merge : merges) vocab[QString(merge).remove(' ')] = vocab.size();
  QJsonArray added;
  const QStringList specials = {"<unk>", "<s>", "</s>"};
  for (int i = 0; i < specials.size() + extra_tokens; ++i)
    added.append(QJsonObject{{"id", i < 3 ? i : 40 + i - 3},
                             {"content", i < 3 ? specials[i] : QString("<extra_%1>").arg(i - 3)},
                             {"special", true}});
  const QJsonObject metaspace{{"type", "Metaspace"}, {"replacement", boundary}, {"prepend_scheme", "first"}};
  const QJsonObject tokenizer{
      {"version", "1.0"},
      {"added_tokens", added},
      {"normalizer", QJsonValue()},
      {"pre_tokenizer", metaspace},
      {"decoder", metaspace},
      {"model",
       QJsonObject{
           {"type", "BPE"}, {"unk_token", "<unk>"}, {"vocab", vocab}, {"merges", QJsonArray::fromStringList(merges)}}}};
  QFile file(folder + "/tokenizer.json");
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(QJsonDocument(tokenizer).toJson());
  file.close();
  QFile config(folder + "/tokenizer_config.json");
  QVERIFY(config.open(QIODevice::WriteOnly));
  config.write(R"({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
    "chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}"})");
}

void expect_one_line_error(const ProcessResult& r, const QString& fragment) {
  QCOMPARE(r.exit_code, 1);
  QVERIFY2(r.err.startsWith("cradle-cli: error: "), qPrintable(r.err));
  QCOMPARE(r.err.count('\n'), 1);
  QVERIFY2(r.err.contains(fragment), qPrintable(r.err));
}

}  // namespace

class CliTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void versionAndHelp() {
    auto r = run_cli({"--version"});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("cradle-cli " CRADLE_VERSION));
    r = run_cli({"--help"});
    QCOMPARE(r.exit_code, 0);
    for (const char* command : {"train", "eval", "inspect", "data"})
      QVERIFY2(r.out.contains(command), qPrintable(r.out));
  }

  void usageErrorsExitWithTwo() {
    QCOMPARE(run_cli({}).exit_code, 2);
    const auto unknown = run_cli({"fly"});
    QCOMPARE(unknown.exit_code, 2);  // an unknown command names itself and lists the commands
    for (const char* expected : {"unknown command \"fly\"", "train", "resume", "eval", "serve", "sweep", "cache"})
      QVERIFY2(unknown.err.contains(expected), qPrintable(unknown.err));
    QCOMPARE(run_cli({"train"}).exit_code, 2);
    QCOMPARE(run_cli({"train", "x.json", "--bogus"}).exit_code, 2);
    const auto no_value = run_cli({"train", "x.json", "--set", "train.epochs"});
    QCOMPARE(no_value.exit_code, 2);
    QVERIFY2(no_value.err.contains("expected FIELD=VALUE"), qPrintable(no_value.err));
    QCOMPARE(run_cli({"serve", "bundle", "--threads", "4", "--max-connections-per-client", "4"}).exit_code, 2);
  }

  void badExperimentsGiveOneLine() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 20, 8);
    const QString experiment = write_quadrant_experiment(dir.path());
    expect_one_line_error(run_cli({"train", dir.filePath("missing.json")}), "missing.json: no such file");
    expect_one_line_error(run_cli({"train", experiment, "--set", "train.lr=-0.1"}), "train.lr: must be > 0, got -0.1");
    expect_one_line_error(run_cli({"inspect", experiment, "--set", "model.typ=mlp"}),
                          "model.typ: unknown key (did you mean \"model.type\"?)");
    QFile broken(dir.filePath("broken.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"name\": \"x\",,}");
    broken.close();
    expect_one_line_error(run_cli({"train", dir.filePath("broken.json")}), "broken.json: parse error at line 1");
    expect_one_line_error(run_cli({"train", dir.path()}), dir.path() + ": is a folder, not a file");
  }

  void badDataGivesOneLineAndNoRunFolder() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 20, 8);
    QFile images(dir.filePath("train-images.idx"));
    QVERIFY(images.open(QIODevice::ReadWrite));
    images.resize(100);
    images.close();
    const QString out = dir.filePath("run");
    expect_one_line_error(
        run_cli({"train", write_quadrant_experiment(dir.path()), "--out", out}),
        "train-images.idx: IDX header says 20x8x8 = 1280 values after byte 16, the file has 84 (truncated)");
    QVERIFY(!QDir(out).exists());
  }

  void trainWritesACompleteRunAndEvalReproducesIt() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 60);
    const QString out = dir.filePath("runs/first");
    const auto r = run_cli({"train", write_quadrant_experiment(dir.path()), "--out", out, "--set", "train.epochs=3"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("test accuracy: "), qPrintable(r.out));

    for (const char* file : {"experiment.json", "metrics.jsonl", "train.log", "report.json", "model/model.pt",
                             "checkpoints/epoch-0002.pt", "checkpoints/epoch-0003.pt"})
      QVERIFY2(QFile::exists(out + "/" + file), file);
    QVERIFY(!QFile::exists(out + "/checkpoints/epoch-0001.pt"));  // keep_checkpoints 2

    // samples.jsonl: 16 fixed validation images once, then their predictions at each validation.
    const auto samples = read_all(out + "/samples.jsonl").trimmed().split('\n');
    QCOMPARE(samples.size(), 1 + 3);
    const auto inputs = QJsonDocument::fromJson(samples[0]).object();
    QCOMPARE(inputs["kind"].toString(), QStringLiteral("inputs"));
    QCOMPARE(inputs["items"].toArray().size(), 16);
    QCOMPARE(inputs["items"].toArray()[0].toObject()["pixels"].toArray().size(), 64);  // 1 x 8 x 8
    for (int i = 1; i < samples.size(); ++i) {
      const auto predictions = QJsonDocument::fromJson(samples[i]).object();
      QCOMPARE(predictions["kind"].toString(), QStringLiteral("predictions"));
      QCOMPARE(predictions["items"].toArray().size(), 16);
      const double p = predictions["items"].toArray()[0].toObject()["probability"].toDouble();
      QVERIFY(p >= 0.25 && p <= 1.0);  // the likeliest of 4 classes
    }

    const auto report = read_json(out + "/report.json");
    QCOMPARE(report["status"].toString(), QStringLiteral("completed"));
    QCOMPARE(report["steps"].toInt(), 30);
    const double reported = report["metrics"].toObject()["test"].toObject()["accuracy"].toDouble();
    QVERIFY2(reported > 0.9, qPrintable(QString::number(reported)));

    // Every line of metrics.jsonl is an object; steps and evaluations are both there.
    int train_lines = 0, eval_lines = 0, start_lines = 0;
    double previous_wall_time = 0;
    for (const auto& line : read_all(out + "/metrics.jsonl").split('\n')) {
      if (line.isEmpty()) continue;
      const auto object = QJsonDocument::fromJson(line).object();
      QVERIFY2(!object.isEmpty(), line.constData());
      if (object["kind"] == "train") {
        ++train_lines;
        for (const char* key : {"step", "epoch", "loss", "accuracy", "lr", "samples_per_sec", "wall_time"})
          QVERIFY2(object.contains(key), key);
        // The step split: each part took time, together no more than the window.
        double parts = 0;
        for (const char* key : {"data_wait_s", "forward_s", "backward_s", "optimizer_s"}) {
          QVERIFY2(object[key].isDouble() && object[key].toDouble() >= 0, key);
          parts += object[key].toDouble();
        }
        QVERIFY(object["forward_s"].toDouble() > 0 && object["backward_s"].toDouble() > 0);
        QVERIFY2(parts <= object["wall_time"].toDouble() - previous_wall_time + 1e-3, line.constData());
        previous_wall_time = object["wall_time"].toDouble();
      } else if (object["kind"] == "start") {
        ++start_lines;
        QCOMPARE(object["total_steps"].toInt(), 30);  // the plan, for dashboards following the file
      } else {
        QCOMPARE(object["kind"].toString(), QStringLiteral("eval"));
        ++eval_lines;
      }
    }
    QCOMPARE(start_lines, 1);
    QCOMPARE(train_lines, 15);  // log_every 5, but at least 5 lines in an epoch of ten steps: every second step
    QCOMPARE(eval_lines, 4);    // validation x3, test

    // The frozen experiment names absolute data paths, so eval works from anywhere.
    QVERIFY(QDir::isAbsolutePath(read_json(out + "/experiment.json")["data"].toObject()["test_images"].toString()));
    const auto eval = run_cli({"eval", out});
    QCOMPARE(eval.exit_code, 0);
    const auto match = QRegularExpression("test: accuracy ([0-9.]+)").match(eval.out);
    QVERIFY2(match.hasMatch(), qPrintable(eval.out));
    QCOMPARE(match.captured(1), QString::number(reported, 'f', 4));
  }

  void evalWritesReportsForAnySplitAndCheckpointAndCompareShowsDifferences() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 60);
    const QString experiment = write_quadrant_experiment(dir.path());
    const QString first = dir.filePath("runs/first"), second = dir.filePath("runs/second");
    QCOMPARE(run_cli({"train", experiment, "--out", first, "--set", "train.epochs=2"}).exit_code, 0);
    QCOMPARE(
        run_cli({"train", experiment, "--out", second, "--set", "train.epochs=2", "--set", "train.lr=0.003"}).exit_code,
        0);

    const auto eval = run_cli({"eval", first});
    QVERIFY2(eval.exit_code == 0, qPrintable(eval.out + eval.err));
    QVERIFY2(eval.out.contains(QRegularExpression("test: accuracy [0-9.]+, loss [0-9.]+ \\(60 samples\\)")),
             qPrintable(eval.out));
    QVERIFY(eval.out.contains("macro F1 ") && eval.out.contains("precision  recall"));
    const QString folder = first + "/evaluation/test-last";
    for (const char* file : {"report.json", "report.html", "predictions.csv"})
      QVERIFY2(QFile::exists(folder + "/" + file), file);
    const auto report = read_json(folder + "/report.json");
    QCOMPARE(report["samples"].toInt(), 60);
    QStringList classes;
    for (const auto& c : report["classes"].toArray()) classes << c.toObject()["name"].toString();
    QCOMPARE(classes.size(), 4);
    // The macro F1 recomputed from the saved predictions, by the test's own arithmetic.
    const double macro_f1 = report["metrics"].toObject()["macro"].toObject()["f1"].toDouble();
    QVERIFY(std::abs(macro_f1_from_predictions(folder + "/predictions.csv", classes) - macro_f1) < 1e-12);
    int confusion_total = 0;
    for (const auto& row : report["confusion_matrix"].toObject()["counts"].toArray())
      for (const auto& cell : row.toArray()) confusion_total += cell.toInt();
    QCOMPARE(confusion_total, 60);

    // The report renders in a browser with every thumbnail decoded.
    const auto page = render_in_chromium(folder + "/report.html");
    QVERIFY2(page.rendered, qPrintable(page.problem));
    QVERIFY2(page.images >= 4, qPrintable(QString::number(page.images)));  // a sample of each class at least
    QCOMPARE(page.broken, 0);
    QCOMPARE(page.title, QStringLiteral("quadrants: test split"));

    // Another split, the best checkpoint, a chosen folder.
    const auto validation =
        run_cli({"eval", first, "--split", "validation", "--checkpoint", "best", "--out", dir.filePath("val")});
    QVERIFY2(validation.exit_code == 0, qPrintable(validation.out + validation.err));
    const auto validation_report = read_json(dir.filePath("val/report.json"));
    QCOMPARE(validation_report["split"].toString(), QStringLiteral("validation"));
    QVERIFY(validation_report["checkpoint"].toObject()["file"].toString().endsWith("checkpoints/best.pt"));
    QCOMPARE(validation_report["samples"].toInt(), 40);  // validation_fraction 0.2 of 200
    const auto from_file = run_cli({"eval", first, "--checkpoint", first + "/checkpoints/epoch-0001.pt"});
    QVERIFY2(from_file.exit_code == 0, qPrintable(from_file.err));
    QVERIFY(QFile::exists(first + "/evaluation/test-epoch-0001/report.html"));
    expect_one_line_error(run_cli({"eval", first, "--checkpoint", "nowhere.pt"}),
                          "nowhere.pt: no such checkpoint file");
    QCOMPARE(run_cli({"eval", first, "--split", "dev"}).exit_code, 2);

    const auto compared = run_cli({"compare", first, second});
    QVERIFY2(compared.exit_code == 0, qPrintable(compared.err));
    QVERIFY2(compared.out.contains(QRegularExpression("train\\.lr +0\\.01 +0\\.003")), qPrintable(compared.out));
    QVERIFY(!compared.out.contains("train.epochs"));  // equal in both: not a difference
    QVERIFY(compared.out.contains(QRegularExpression("test\\.accuracy +[0-9.]+ +[0-9.]+")));
    QVERIFY(compared.out.contains("first") && compared.out.contains("second"));
    expect_one_line_error(run_cli({"compare", first, dir.filePath("runs")}), "no experiment.json");
  }

  void pipelineRunsEveryStageAndSkipsWhatIsDone() {
    QTemporaryDir dir;
    {
      QFile corpus(dir.filePath("corpus.txt")), dialogues(dir.filePath("dialogues.jsonl")),
          preferences(dir.filePath("preferences.jsonl"));
      QVERIFY(corpus.open(QIODevice::WriteOnly) && dialogues.open(QIODevice::WriteOnly) &&
              preferences.open(QIODevice::WriteOnly));
      const char* words[] = {"cat", "dog", "sun", "map"};
      for (int i = 0; i < 120; ++i)
        corpus.write(QByteArray("the ") + words[i % 4] + " sees a " + words[i / 4 % 4] + ".\n%\n");
      for (int i = 0; i < 60; ++i)
        dialogues.write(QByteArray("{\"messages\": [{\"role\": \"user\", \"content\": \"say ") + words[i % 4] +
                        "\"}, {\"role\": \"assistant\", \"content\": \"" + words[i % 4] + ".\"}]}\n");
      for (int i = 0; i < 40; ++i)
        preferences.write(QByteArray("{\"prompt\": \"say ") + words[i % 4] + "\", \"chosen\": \"" + words[i % 4] +
                          ".\", \"rejected\": \"a " + words[i % 4] + ".\"}\n");
    }
    const auto write = [&](const QString& name, const QByteArray& text) {
      QFile file(dir.filePath(name));
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(text);
    };
    write("pretrain.json", R"({"name": "base", "task": "language_model", "threads": 1,
      "data": {"source": "text", "paths": ["corpus.txt"], "records": "separator", "context_length": 16},
      "model": {"type": "gpt", "width": 16, "heads": 2, "layers": 1},
      "train": {"epochs": 1, "batch_size": 16, "log_every": 5}})");
    write("sft.json", R"({"name": "chat", "task": "language_model", "stage": "sft", "init_from": "set by the pipeline",
      "threads": 1, "data": {"source": "dialogues", "paths": ["dialogues.jsonl"], "context_length": 16},
      "train": {"epochs": 1, "batch_size": 8, "log_every": 5}})");
    write("reward.json",
          R"({"name": "judge", "task": "language_model", "stage": "reward", "init_from": "set by the pipeline",
      "threads": 1, "data": {"source": "preferences", "paths": ["preferences.jsonl"], "context_length": 16},
      "train": {"epochs": 1, "batch_size": 8, "log_every": 5}})");
    write("ppo.json", R"({"name": "ppo", "task": "language_model", "stage": "ppo", "init_from": "set by the pipeline",
      "threads": 1, "data": {"source": "prompts", "paths": ["dialogues.jsonl"], "context_length": 16},
      "train": {"epochs": 1, "batch_size": 8, "lr": 0.0001},
      "align": {"reward_run": "set by the pipeline", "max_new_tokens": 6, "ppo_epochs": 1, "minibatch_size": 8}})");
    write("dpo.json", R"({"name": "dpo", "task": "language_model", "stage": "dpo", "init_from": "set by the pipeline",
      "threads": 1, "data": {"source": "preferences", "paths": ["preferences.jsonl"], "context_length": 16},
      "train": {"epochs": 1, "batch_size": 8, "log_every": 5}})");
    write("pipeline.json", R"({"name": "tiny", "stages": [{"name": "pretrain", "experiment": "pretrain.json"},
      {"name": "sft", "experiment": "sft.json", "init_from": "pretrain", "set": ["train.epochs=2"]},
      {"name": "reward", "experiment": "reward.json", "init_from": "sft"},
      {"name": "ppo", "experiment": "ppo.json", "init_from": "sft", "reward_from": "reward"},
      {"name": "dpo", "experiment": "dpo.json", "init_from": "sft"}]})");
    const QString out = dir.filePath("runs/tiny");
    const auto first = run_cli({"pipeline", dir.filePath("pipeline.json"), "--out", out});
    QVERIFY2(first.exit_code == 0, qPrintable(first.out + first.err));
    QVERIFY(first.out.contains("== stage 5/5: dpo =="));
    // PPO's iterations print its score and KL; its reward model is the reward stage's run.
    QVERIFY2(first.out.contains(QRegularExpression("score -?[0-9.]+ kl -?[0-9.]+")), qPrintable(first.out));
    QCOMPARE(read_json(out + "/ppo/experiment.json")["align"].toObject()["reward_run"].toString(),
             QDir(out + "/reward").absolutePath());
    QCOMPARE(read_json(out + "/ppo/report.json")["stage"].toString(), QStringLiteral("ppo"));
    QCOMPARE(read_json(out + "/dpo/report.json")["status"].toString(), QStringLiteral("completed"));
    const auto sft = read_json(out + "/sft/report.json");
    QCOMPARE(sft["status"].toString(), QStringLiteral("completed"));
    QCOMPARE(sft["stage"].toString(), QStringLiteral("sft"));
    QCOMPARE(sft["epochs_completed"].toInt(), 2);  // the stage's override
    QCOMPARE(read_json(out + "/sft/experiment.json")["init_from"].toString(), QDir(out + "/pretrain").absolutePath());
    const auto again = run_cli({"pipeline", dir.filePath("pipeline.json"), "--out", out});
    QCOMPARE(again.exit_code, 0);
    QCOMPARE(again.out.count("already completed"), 5);
    // A chat run answers a user's turn.
    const auto chat =
        run_cli({"generate", out + "/sft", "--prompt", "say cat", "--max-tokens", "8", "--temperature", "0"});
    QVERIFY2(chat.exit_code == 0 && chat.out.startsWith("user: say cat\nassistant:"), qPrintable(chat.out + chat.err));
    const auto tuned =
        run_cli({"generate", out + "/ppo", "--prompt", "say cat", "--max-tokens", "8", "--temperature", "0"});
    QVERIFY2(tuned.exit_code == 0 && tuned.out.startsWith("user: say cat\nassistant:"),
             qPrintable(tuned.out + tuned.err));
    write("broken.json",
          R"({"name": "tiny", "stages": [{"name": "sft", "experiment": "sft.json", "init_from": "nothing"}]})");
    expect_one_line_error(run_cli({"pipeline", dir.filePath("broken.json")}),
                          "stages[0].init_from: \"nothing\" is not an earlier stage of this pipeline");
  }

  // --nproc 2 with batch 32 per process trains what one process does with batch 64.
  void dataParallelWorkersTrainWhatOneProcessTrains() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 40);
    const QString experiment =
        write_quadrant_experiment(dir.path(), R"({"train":{"epochs":3,"optimizer":"adam","batch_size":64}})");
    const QString one = dir.filePath("one"), two = dir.filePath("two");
    const auto single = run_cli({"train", experiment, "--out", one});
    QVERIFY2(single.exit_code == 0, qPrintable(single.out + single.err));
    const auto pair = run_cli({"train", experiment, "--out", two, "--nproc", "2", "--set", "train.batch_size=32"});
    QVERIFY2(pair.exit_code == 0, qPrintable(pair.out + pair.err));
    QVERIFY2(pair.out.contains("distributed: 2 processes, gloo over 127.0.0.1:"), qPrintable(pair.out));
    QCOMPARE(pair.out.count("test accuracy:"), 1);  // rank 0 alone reports
    const auto a = read_json(one + "/report.json"), b = read_json(two + "/report.json");
    QCOMPARE(b["distributed"].toObject()["processes"].toInt(), 2);
    QCOMPARE(b["distributed"].toObject()["batch_size_per_step"].toInt(), 64);
    QCOMPARE(b["steps"].toInt(), a["steps"].toInt());
    const double loss_a = a["metrics"].toObject()["test"].toObject()["loss"].toDouble();
    const double loss_b = b["metrics"].toObject()["test"].toObject()["loss"].toDouble();
    QVERIFY2(std::abs(loss_a - loss_b) < 1e-5, qPrintable(QString("%1 vs %2").arg(loss_a).arg(loss_b)));
    // Every logged training loss, over both ranks' samples, is the single process's.
    const auto losses = [](const QString& run) {
      QList<double> values;
      for (const auto& line : read_all(run + "/metrics.jsonl").split('\n')) {
        const auto record = QJsonDocument::fromJson(line).object();
        if (record["kind"].toString() == "train") values.push_back(record["loss"].toDouble());
      }
      return values;
    };
    const auto losses_a = losses(one), losses_b = losses(two);
    QCOMPARE(losses_b.size(), losses_a.size());
    QVERIFY(!losses_a.isEmpty());
    for (int i = 0; i < losses_a.size(); ++i) QVERIFY(std::abs(losses_a[i] - losses_b[i]) < 1e-5);
    QVERIFY(read_all(two + "/train.log").contains("distributed: 2 processes"));
    QCOMPARE(QDir(dir.path()).entryList({"two*"}, QDir::Dirs).size(), 1);  // one run folder, rank 0's
  }

  // A worker killed mid-run: the launcher says which, the other exits with a clear error, nothing hangs.
  void aKilledWorkerStopsTheOthers() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 400, 40);
    const QString out = dir.filePath("run");
    QProcess launcher;
    launcher.start(CRADLE_CLI_PATH, {"train", write_quadrant_experiment(dir.path(), R"({"train":{"epochs":100000}})"),
                                     "--out", out, "--nproc", "2", "--set", "train.log_every=1"});
    QVERIFY(launcher.waitForStarted());
    QString output;
    QTRY_VERIFY_WITH_TIMEOUT((output += launcher.readAllStandardOutput()).contains("epoch 2/"), 60000);
    // The workers are the launcher's children, rank 0 first.
    const QString pid = QString::number(launcher.processId());
    const auto children = read_all("/proc/" + pid + "/task/" + pid + "/children").trimmed().split(' ');
    QCOMPARE(children.size(), 2);
    QCOMPARE(::kill(children[1].toInt(), SIGKILL), 0);
    QVERIFY(launcher.waitForFinished(60000));
    QCOMPARE(launcher.exitCode(), 137);  // 128 + SIGKILL: the first failure's
    const QString errors = launcher.readAllStandardError();
    QVERIFY2(errors.contains("worker rank 1 was killed by signal 9"), qPrintable(errors));
    QVERIFY2(errors.contains("(rank 0 of 2)") && errors.contains("another worker has probably failed"),
             qPrintable(errors));
    QCOMPARE(read_json(out + "/report.json")["status"].toString(), QStringLiteral("failed"));
  }

  void quantizeWritesAnInt8RunThatEvalReads() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 40);
    const QString run = dir.filePath("run"), int8 = dir.filePath("run-int8");
    QCOMPARE(run_cli({"train", write_quadrant_experiment(dir.path(), R"({"model":{"hidden":[64]}})"), "--out", run})
                 .exit_code,
             0);
    const auto r = run_cli({"quantize", run});  // default folder: <run>-int8
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QRegularExpression("weights file \\d+ -> \\d+ bytes")), qPrintable(r.out));
    QVERIFY(r.out.contains("int8 compute"));
    const auto report = read_json(int8 + "/report.json");
    const double accuracy = report["metrics"].toObject()["test"].toObject()["accuracy"].toDouble();
    const auto eval = run_cli({"eval", int8});
    QCOMPARE(eval.exit_code, 0);
    QVERIFY2(eval.out.contains(QString("test: accuracy %1").arg(accuracy, 0, 'f', 4)), qPrintable(eval.out));
    expect_one_line_error(run_cli({"quantize", run}), "folder exists and is not empty");
    QCOMPARE(run_cli({"quantize", run, "--engine", "tpu"}).exit_code, 2);
  }

  void pruneAndDistillCommandsStartFromARun() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 40);
    const QString experiment = write_quadrant_experiment(dir.path(), R"({"model":{"hidden":[32]}})");
    const QString run = dir.filePath("run");
    QCOMPARE(run_cli({"train", experiment, "--out", run}).exit_code, 0);
    // prune: the run's own experiment (data included) with the stage added.
    const auto pruned = run_cli(
        {"prune", run, "--method", "channels", "--sparsity", "0.5", "--epochs", "2", "--out", dir.filePath("narrow")});
    QVERIFY2(pruned.exit_code == 0, qPrintable(pruned.out + pruned.err));
    QVERIFY(pruned.out.contains("pruned channels to"));
    const auto report = read_json(dir.filePath("narrow/report.json"));
    QCOMPARE(report["stage"].toString(), QStringLiteral("prune"));
    QCOMPARE(report["pruning"].toObject()["layers"].toArray()[0].toObject()["kept"].toInt(), 16);
    QCOMPARE(report["epochs_completed"].toInt(), 2);
    const auto frozen = read_json(dir.filePath("narrow/experiment.json"));
    QCOMPARE(frozen["init_from"].toString(), QDir(run).absolutePath());
    // distill: a student file trained from the run as teacher.
    const QString student = write_quadrant_experiment(dir.path(), R"({"name":"student","model":{"hidden":[8]}})");
    const auto distilled = run_cli({"distill", run, student, "--alpha", "0.7", "--out", dir.filePath("student")});
    QVERIFY2(distilled.exit_code == 0, qPrintable(distilled.out + distilled.err));
    QCOMPARE(read_json(dir.filePath("student/report.json"))["stage"].toString(), QStringLiteral("distill"));
    QCOMPARE(read_json(dir.filePath("student/experiment.json"))["compress"].toObject()["alpha"].toDouble(), 0.7);
    expect_one_line_error(run_cli({"prune", run, "--method", "channels", "--cycles", "2"}), "cycles must be 1");
    expect_one_line_error(run_cli({"distill", dir.filePath("nothing"), student}), "nothing");
  }

  void dataParallelMisuseGivesOneLine() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 40, 8);
    const QString experiment = write_quadrant_experiment(dir.path());
    const auto nested =
        run_process(CRADLE_CLI_PATH, {"train", experiment, "--nproc", "2"}, 60000, {"WORLD_SIZE=2", "RANK=0"});
    expect_one_line_error(nested, "--nproc: WORLD_SIZE is already set");
    // torchrun's variables with no rank 0 listening: an error naming the address after CRADLE_DIST_TIMEOUT_S.
    const auto alone =
        run_process(CRADLE_CLI_PATH, {"train", experiment, "--out", dir.filePath("run")}, 60000,
                    {"WORLD_SIZE=2", "RANK=1", "MASTER_ADDR=127.0.0.1", "MASTER_PORT=9", "CRADLE_DIST_TIMEOUT_S=2"});
    expect_one_line_error(alone, "distributed training (rank 1 of 2)");
    QVERIFY(alone.err.contains("127.0.0.1:9"));
    const auto bad =
        run_process(CRADLE_CLI_PATH, {"train", experiment}, 60000, {"WORLD_SIZE=2", "RANK=x", "MASTER_PORT=1"});
    expect_one_line_error(bad, "environment variable RANK=\"x\"");
  }

  void divergingRunFailsWithOneLineAndAFailedReport() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 40, 8);
    const QString out = dir.filePath("run");
    expect_one_line_error(run_cli({"train", write_quadrant_experiment(dir.path()), "--out", out, "--set",
                                   "train.optimizer=sgd", "--set", "train.lr=1e30", "--set", "train.log_every=1"}),
                          "training diverged at step ");
    const auto report = read_json(out + "/report.json");
    QCOMPARE(report["status"].toString(), QStringLiteral("failed"));
    QVERIFY(report["error"].toString().startsWith("training diverged"));
    QVERIFY(QFile::exists(out + "/experiment.json"));
  }

  void trainsFromACifar10Folder() {
    QTemporaryDir dir;
    write_cifar10_folder(dir.filePath("cifar-10-batches-bin"), 80, 2, 40);
    QFile file(dir.filePath("cifar.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "cifar", "threads": 1,
                   "data": {"source": "cifar10", "folder": "cifar-10-batches-bin", "normalize": "auto"},
                   "model": {"type": "cnn", "conv_channels": [8], "hidden": [16]},
                   "train": {"epochs": 2, "batch_size": 16}})");
    file.close();
    const QString out = dir.filePath("run");
    const auto r = run_cli({"train", dir.filePath("cifar.json"), "--out", out});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const auto report = read_json(out + "/report.json");
    QCOMPARE(report["class_names"].toArray().first().toString(), QStringLiteral("airplane"));
    const double accuracy = report["metrics"].toObject()["test"].toObject()["accuracy"].toDouble();
    QVERIFY(accuracy > 0.8);
    // "auto" is frozen as the per-channel values it resolved to, so eval needs no training data.
    const auto normalize = read_json(out + "/experiment.json")["data"].toObject()["normalize"].toObject();
    QCOMPARE(normalize["mean"].toArray().size(), 3);
    QVERIFY(normalize["std"].toArray().at(2).toDouble() > 0);
    QVERIFY(read_all(out + "/train.log").contains("data: normalisation computed on the training split"));
    const auto eval = run_cli({"eval", out});
    QVERIFY2(eval.out.contains(QString("test: accuracy %1").arg(accuracy, 0, 'f', 4)), qPrintable(eval.out));
  }

#ifdef CRADLE_WITH_OPENCV  // the image-folder source is built with OpenCV
  void trainsFromAnImageFolderSkippingBrokenFiles() {
    QTemporaryDir dir;
    const QStringList classes = {"dark", "light"};
    for (int c = 0; c < 2; ++c) {
      QDir().mkpath(dir.filePath("images/" + classes[c]));
      for (int i = 0; i < 40; ++i) {
        QImage image(20 + i % 5, 20, QImage::Format_Grayscale8);
        image.fill(c == 0 ? 30 + i : 200 - i);
        QVERIFY(image.save(dir.filePath(QString("images/%1/%2.png").arg(classes[c]).arg(i))));
      }
    }
    QFile broken(dir.filePath("images/light/broken.png"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("not a png");
    broken.close();
    QFile file(dir.filePath("images.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "light-dark", "threads": 1,
                   "data": {"source": "image_folder", "folder": "images", "image_size": [8, 8], "channels": 1,
                            "on_bad_file": "skip"},
                   "model": {"type": "mlp", "hidden": [8]},
                   "train": {"epochs": 3, "batch_size": 8, "lr": 0.01}})");
    file.close();
    const QString out = dir.filePath("run");
    const auto r = run_cli({"train", dir.filePath("images.json"), "--out", out});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("data: skipped 1 unreadable file(s), e.g. "), qPrintable(r.out));
    const auto report = read_json(out + "/report.json");
    QCOMPARE(report["data"].toObject()["skipped_files"].toInt(), 1);
    QVERIFY(report["data"].toObject()["skipped_examples"].toArray().first().toString().endsWith("light/broken.png"));
    QCOMPARE(report["data"].toObject()["test_samples"].toInt(), 16);  // 20% of 80
    QVERIFY(report["metrics"].toObject()["test"].toObject()["accuracy"].toDouble() > 0.9);
    QVERIFY(read_all(out + "/train.log").contains("data: skipped unreadable file"));
  }
#endif

  void trainsFromACsvTable() {
    QTemporaryDir dir;
    QString text = "height,weight,colour,kind\n";
    for (int i = 0; i < 240; ++i) {
      const int kind = i % 2;
      text += QString("%1,%2,%3,%4\n")
                  .arg(kind ? 150 + i % 17 : 120 + i % 13)
                  .arg(i % 31 == 3 ? QString("NA") : QString::number(kind ? 60 + i % 9 : 40 + i % 7))
                  .arg(i % 3 ? "grey" : "white")
                  .arg(kind ? "large" : "small");
    }
    QFile table(dir.filePath("animals.csv"));
    QVERIFY(table.open(QIODevice::WriteOnly));
    table.write(text.toUtf8());
    table.close();
    QFile file(dir.filePath("table.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "animals", "threads": 1,
                   "data": {"source": "csv", "file": "animals.csv", "target": "kind", "categorical": ["colour"],
                            "missing": "drop_row"},
                   "model": {"type": "mlp", "hidden": [8]},
                   "train": {"epochs": 5, "batch_size": 16, "lr": 0.01}})");
    file.close();
    const QString out = dir.filePath("run");
    const auto r = run_cli({"train", dir.filePath("table.json"), "--out", out});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const auto report = read_json(out + "/report.json");
    QCOMPARE(report["data"].toObject()["dropped_rows"].toInt(), 8);  // i % 31 == 3 below 240
    QCOMPARE(report["class_names"].toArray().last().toString(), QStringLiteral("small"));
    const double accuracy = report["metrics"].toObject()["test"].toObject()["accuracy"].toDouble();
    QVERIFY2(accuracy > 0.95, qPrintable(QString::number(accuracy)));
    const auto eval = run_cli({"eval", out});
    QVERIFY2(eval.out.contains(QString("test: accuracy %1").arg(accuracy, 0, 'f', 4)), qPrintable(eval.out));
    const auto inspect = run_cli({"inspect", dir.filePath("table.json")});
    QVERIFY2(inspect.out.contains("mlp on 4 inputs, 2 classes") && inspect.out.contains("\nmodel: MLP, hidden 8\n"),
             qPrintable(inspect.out));
  }

  void trainsATextClassifierFromClassFolders() {
    QTemporaryDir dir;
    const char* words[2][4] = {{"bad", "awful", "poor", "dull"}, {"good", "great", "fine", "neat"}};
    const char* filler[] = {"the", "film", "was", "quite", "a", "plot"};
    for (int label = 0; label < 2; ++label) {
      QVERIFY(QDir(dir.path()).mkpath(QString("reviews/%1").arg(label ? "pos" : "neg")));
      QFile file(dir.filePath(QString("reviews/%1/part.txt").arg(label ? "pos" : "neg")));
      QVERIFY(file.open(QIODevice::WriteOnly));
      for (int i = 0; i < 120; ++i) {
        QString line;
        for (int w = 0; w < 2 + (i * 7) % 9; ++w) line += QString(filler[(i + w) % 6]) + " ";
        file.write((line + words[label][i % 4] + "\n").toUtf8());
      }
    }
    QFile experiment(dir.filePath("reviews.json"));
    QVERIFY(experiment.open(QIODevice::WriteOnly));
    experiment.write(R"({"name": "reviews", "threads": 1, "task": "classification",
                   "data": {"source": "text", "paths": ["reviews"], "records": "line", "steps": [{"op": "dedup_exact"}],
                            "tokenizer": {"type": "char"}, "context_length": 40},
                   "model": {"type": "lstm", "embedding_size": 8, "hidden_size": 16, "layers": 1, "bidirectional": true},
                   "train": {"epochs": 4, "batch_size": 16, "lr": 0.01}})");
    experiment.close();
    const auto stats = run_cli({"data", "stats", dir.filePath("reviews.json")});
    QVERIFY2(stats.exit_code == 0 && stats.out.contains("majority-class baseline"), qPrintable(stats.out + stats.err));
    QVERIFY2(stats.out.contains(QRegularExpression("neg\\s+\\d+")), qPrintable(stats.out));
    const auto inspect = run_cli({"inspect", dir.filePath("reviews.json")});
    QVERIFY2(inspect.out.contains("lstm text classifier") && inspect.out.contains("2 classes") &&
                 inspect.out.contains("model: LSTM, 1 layer, hidden size 16, bidirectional"),
             qPrintable(inspect.out));
    const QString out = dir.filePath("run");
    const auto r = run_cli({"train", dir.filePath("reviews.json"), "--out", out});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const auto report = read_json(out + "/report.json");
    QCOMPARE(report["class_names"].toArray().first().toString(), QStringLiteral("neg"));
    QCOMPARE(report["files"].toObject()["tokenizer"].toString(), QStringLiteral("model/tokenizer.json"));
    const auto data = report["data"].toObject();
    const double accuracy = report["metrics"].toObject()["test"].toObject()["accuracy"].toDouble();
    QVERIFY2(accuracy > 0.9 && accuracy > data["majority_baseline_accuracy"].toDouble() + 0.3,
             qPrintable(QString::number(accuracy)));
    const auto eval = run_cli({"eval", out});
    QVERIFY2(eval.out.contains(QString("test: accuracy %1").arg(accuracy, 0, 'f', 4)), qPrintable(eval.out + eval.err));
    // Its bundle classifies new texts.
    QCOMPARE(run_cli({"export", out, "--out", dir.filePath("bundle")}).exit_code, 0);
    const auto predicted = run_cli({"predict", dir.filePath("bundle"), "the plot was great", "a dull film", "--json"});
    QVERIFY2(predicted.exit_code == 0, qPrintable(predicted.out + predicted.err));
    const auto lines = predicted.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(lines[0].toUtf8()).object()["label"].toString(), QStringLiteral("pos"));
    QCOMPARE(QJsonDocument::fromJson(lines[1].toUtf8()).object()["label"].toString(), QStringLiteral("neg"));
  }

  void exportedBundlePredictsImageFilesAndSaysWhichFailed() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 20);
    const QString run = dir.filePath("run"), bundle = dir.filePath("bundle");
    QCOMPARE(run_cli({"train", write_quadrant_experiment(dir.path()), "--out", run}).exit_code, 0);
    const auto exported = run_cli({"export", run, "--out", bundle, "--onnx"});
    QVERIFY2(exported.exit_code == 0, qPrintable(exported.out + exported.err));
    QVERIFY(exported.out.contains("image input [1,8,8], 4 outputs"));
    QVERIFY2(exported.out.contains("ONNX checker passed"), qPrintable(exported.out));
    for (const char* runtime : {"OpenCV DNN", "ONNX Runtime"})
      QVERIFY2(exported.out.contains(QRegularExpression(
                   QString(runtime) +
                   " [0-9.]+ on 20 inputs: max \\|difference\\| from LibTorch [0-9.e-]+ \\(tolerance 1e-04\\)")),
               qPrintable(exported.out));
    QVERIFY(QFile::exists(bundle + "/model/model.onnx"));
    // A bright top-right quadrant: class 1.
    QImage image(8, 8, QImage::Format_Grayscale8);
    image.fill(20);
    for (int y = 0; y < 4; ++y)
      for (int x = 4; x < 8; ++x) image.setPixel(x, y, qRgb(200, 200, 200));
    QVERIFY(image.save(dir.filePath("top-right.png")));
    QFile broken(dir.filePath("broken.png"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("no image");
    broken.close();
    const auto good = run_cli({"predict", bundle, dir.filePath("top-right.png"), "--top-k", "2"});
    QVERIFY2(good.exit_code == 0 && good.out.contains("top-right.png: top-right ("), qPrintable(good.out + good.err));
    const auto mixed =
        run_cli({"predict", bundle, dir.filePath("top-right.png"), dir.filePath("broken.png"), "--json"});
    QCOMPARE(mixed.exit_code, 1);  // one input failed; the other was still answered
    QVERIFY(mixed.out.contains("\"label\":\"top-right\""));
    QVERIFY(mixed.out.contains("broken.png: not a readable image"));
    expect_one_line_error(run_cli({"export", run, "--out", bundle}), "folder exists and is not empty");
    expect_one_line_error(run_cli({"predict", run, dir.filePath("top-right.png")}), "no bundle.json");
    expect_one_line_error(run_cli({"serve", run, "--port", "0"}), "no bundle.json");
  }

  void trainsTheRegressionSampleAndEvalReproducesIt() {
    QTemporaryDir dir;
    const QString out = dir.filePath("run");
    const auto r = run_cli({"train", CRADLE_SOURCE_DIR "/projects/tabular-regression/experiment.json", "--out", out,
                            "--set", "train.epochs=30"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const auto report = read_json(out + "/report.json");
    const auto test = report["metrics"].toObject()["test"].toObject();
    // The table's noise has a deviation of 12 (thousands); predicting the mean would err by about 140.
    QVERIFY2(test["r2"].toDouble() > 0.95, qPrintable(QString::number(test["r2"].toDouble())));
    QVERIFY2(test["rmse"].toDouble() < 25, qPrintable(QString::number(test["rmse"].toDouble())));
    QCOMPARE(report["target"].toObject()["column"].toString(), QString("price_k"));
    const auto eval = run_cli({"eval", out});
    QCOMPARE(eval.exit_code, 0);
    const auto match = QRegularExpression("test: mae ([0-9.]+), rmse ([0-9.]+), r2 ([0-9.]+)").match(eval.out);
    QVERIFY2(match.hasMatch(), qPrintable(eval.out));
    QVERIFY(std::abs(match.captured(1).toDouble() - test["mae"].toDouble()) < 1e-3);
    QVERIFY(std::abs(match.captured(3).toDouble() - test["r2"].toDouble()) < 1e-4);
  }

  void dataStatsCountsEveryClassInEverySplit() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 80);  // 50 and 20 per class
    const QString out = dir.filePath("stats.json");
    const auto r = run_cli({"data", "stats", write_quadrant_experiment(dir.path()), "--out", out});
    QCOMPARE(r.exit_code, 0);
    // 20% stratified validation: 10 of each class's 50.
    QVERIFY2(QRegularExpression("top-left +40 +10 +20\n").match(r.out).hasMatch(), qPrintable(r.out));
    QVERIFY2(QRegularExpression("total +160 +40 +80\n").match(r.out).hasMatch(), qPrintable(r.out));
    const auto stats = read_json(out);
    QCOMPARE(stats["splits"].toObject()["test"].toObject()["class_counts"].toArray().at(3).toInt(), 20);
    QCOMPARE(stats["input_shape"].toArray().size(), 3);
    expect_one_line_error(run_cli({"data", "stats", dir.filePath("none.json")}), "none.json: no such file");
    QCOMPARE(run_cli({"data"}).exit_code, 2);
  }

  void dataPreviewShowsEveryAugmentationStep() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 40, 8);
    const auto experiment = write_quadrant_experiment(
        dir.path(), R"({"data": {"augment": [{"op": "hflip", "p": 1}, {"op": "rotate", "degrees": 30}]}})");
    const QString out = dir.filePath("preview");
    const auto r = run_cli({"data", "preview", experiment, "--out", out, "--n", "5"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const QImage grid(out + "/augmentation.png");
    QVERIFY(!grid.isNull());
    // 8x8 images scaled 12x, with 4-pixel gaps: 4 columns (loaded, hflip, rotate, all) by 5 rows.
    QCOMPARE(grid.width(), 4 * (96 + 4) + 4);
    QCOMPARE(grid.height(), 5 * (96 + 4) + 4);
    const auto preview = read_json(out + "/preview.json");
    QCOMPARE(preview["columns"].toArray().size(), 4);
    QCOMPARE(preview["rows"].toArray().size(), 5);
    // The hflip column mirrors the loaded one: compare the first sample's cells.
    const QImage loaded = grid.copy(4, 4, 96, 96), flipped = grid.copy(4 + 100, 4, 96, 96);
    QCOMPARE(loaded.mirrored(true, false), flipped);
  }

  void dataPreviewShowsEveryTextStep() {
    QTemporaryDir dir;
    QFile corpus(dir.filePath("corpus.txt"));
    QVERIFY(corpus.open(QIODevice::WriteOnly));
    corpus.write(
        "First <b>record</b> here.\n%\nfirst record HERE.\n%\n\x1b[31mThird\x1b[m record, long enough.\n%\nx\n"
        "%\nAnother record to keep the splits filled.\n%\nAnd one more for the test split.\n");
    corpus.close();
    QFile file(dir.filePath("text.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "t", "task": "language_model", "data": {"source": "text", "paths": ["corpus.txt"],
      "records": "separator", "test_fraction": 0.2, "validation_fraction": 0.25, "context_length": 4,
      "steps": [{"op": "strip_html"}, {"op": "remove_control"}, {"op": "dedup_exact"}, {"op": "filter_length", "min_chars": 3}]},
      "model": {"type": "lstm"}})");
    file.close();
    const QString out = dir.filePath("preview");
    const auto r = run_cli({"data", "preview", dir.filePath("text.json"), "--out", out});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    for (const char* name : {"01-strip_html.txt", "02-remove_control.txt", "03-dedup_exact.txt", "04-filter_length.txt",
                             "05-tokenizer.txt", "preview.json"})
      QVERIFY2(QFile::exists(out + "/" + name), name);
    const QString html = QString::fromUtf8(read_all(out + "/01-strip_html.txt"));
    QVERIFY2(html.contains("-- before\nFirst <b>record</b> here.\n-- after\nFirst record here."), qPrintable(html));
    const QString dedup = QString::fromUtf8(read_all(out + "/03-dedup_exact.txt"));
    QVERIFY2(dedup.contains("-- removed: duplicate of " + dir.filePath("corpus.txt") + ":1"), qPrintable(dedup));
    QVERIFY(QString::fromUtf8(read_all(out + "/04-filter_length.txt"))
                .contains("-- removed: 1 characters, below min_chars 3"));
    const auto preview = read_json(out + "/preview.json");
    QCOMPARE(preview["steps"].toArray().size(), 4);
    // sentencepiece through its bridge, in the CLI process (which holds LibTorch and iostreams).
    const auto bpe = run_cli(
        {"data", "stats", dir.filePath("text.json"), "--set", R"(data.tokenizer={"type": "bpe", "vocab_size": 40})"});
    QVERIFY2(bpe.exit_code == 0, qPrintable(bpe.out + bpe.err));
    QVERIFY2(bpe.out.contains("tokenizer bpe: "), qPrintable(bpe.out));
    QVERIFY2(bpe.err.isEmpty(), qPrintable(bpe.err));  // sentencepiece's progress log stays quiet
  }

  void dataPreviewShowsTablesAsReadAndAsEncoded() {
    QTemporaryDir dir;
    const QString out = dir.filePath("preview");
    const auto r = run_cli({"data", "preview", CRADLE_SOURCE_DIR "/projects/tabular-regression/experiment.json",
                            "--out", out, "--n", "3", "--set", "data.categorical_encoding=embedding"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const QString table = QString::fromUtf8(read_all(out + "/table.txt"));
    QVERIFY2(
        table.contains("district          categorical  5 categories (centre, east, north, south, west) -> index 1..5"),
        qPrintable(table));
    QCOMPARE(table.count("-- as read\n"), 3);
    const auto preview = read_json(out + "/preview.json");
    QCOMPARE(preview["kind"].toString(), QString("table"));
    const auto rows = preview["rows"].toArray();
    QCOMPARE(rows.size(), 3);
    // district's index is 1 + its place in the sorted vocabulary.
    const QStringList districts = {"centre", "east", "north", "south", "west"};
    for (const auto& row : rows) {
      const auto object = row.toObject();
      const auto district = object["raw"].toObject()["district"].toString();
      QCOMPARE(object["input"].toArray().at(3).toDouble(), double(districts.indexOf(district) + 1));
    }
  }

  void cacheListPruneAndClear() {
    QTemporaryDir dir, cache;
    write_quadrant_dataset(dir.path(), 20, 8);
    const auto experiment = write_quadrant_experiment(dir.path());
    const QStringList env = {"CRADLE_CACHE_DIR=" + cache.path(), "CRADLE_CACHE_MAX_SIZE"};
    const auto cli = [&](const QStringList& arguments) { return run_process(CRADLE_CLI_PATH, arguments, 120000, env); };
    QVERIFY(cli({"data", "stats", experiment}).exit_code == 0);
    QVERIFY(cli({"data", "stats", experiment, "--set", "seed=9"}).exit_code == 0);
    auto r = cli({"cache", "list"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    QVERIFY2(r.out.startsWith("data cache " + cache.path() + ": 2 entries, "), qPrintable(r.out));
    QCOMPARE(r.out.count(" tensors\n"), 2);
    r = cli({"cache", "prune", "--max-size", "1"});
    QVERIFY2(r.out.startsWith("removed 2 entries ("), qPrintable(r.out));
    QVERIFY(cli({"data", "stats", experiment}).exit_code == 0);
    QCOMPARE(cli({"cache", "clear"}).out.left(17), QString("removed 1 entries"));
    QVERIFY(cli({"cache", "list"}).out.contains(": 0 entries, 0 B"));
    expect_one_line_error(cli({"cache", "prune", "--max-size", "big"}), "--max-size: expected a size such as 4G");
  }

  void existingRunFolderIsNeverOverwritten() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 20, 8);
    QDir().mkpath(dir.filePath("taken"));
    QFile keep(dir.filePath("taken/report.json"));
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("precious");
    keep.close();
    expect_one_line_error(run_cli({"train", write_quadrant_experiment(dir.path()), "--out", dir.filePath("taken")}),
                          "folder exists and is not empty");
    QCOMPARE(read_all(dir.filePath("taken/report.json")), QByteArray("precious"));
  }

  // A file-size limit (RLIMIT_FSIZE, as a full disk: every write past it fails)
  // while resuming: the next checkpoint cannot be written. One line naming the
  // file, exit 1, the report marked failed, no temporary file left, the earlier
  // checkpoint byte for byte as it was; an evaluation that cannot be written
  // leaves no folder behind.
  void aFullDiskFailsTheRunCleanly() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 60, 20);
    const auto experiment =
        write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [256]}, "train": {"epochs": 1}})");
    const QString out = dir.filePath("run");
    QCOMPARE(run_cli({"train", experiment, "--out", out}).exit_code, 0);
    const QByteArray first = read_all(out + "/checkpoints/epoch-0001.pt"),
                     best = read_all(out + "/checkpoints/best.pt");
    const QByteArray log = read_all(out + "/train.log");
    QVERIFY(first.size() > 2 * 40960 && log.size() < 40960);  // the limit below: the checkpoint cannot fit, the log can
    const auto limited = [](const QStringList& arguments) {  // SIGXFSZ ignored: a write past the limit fails with EFBIG
      return run_process(
          "bash", QStringList{"-c", "ulimit -f 40; trap '' XFSZ; exec \"$0\" \"$@\"", CRADLE_CLI_PATH} + arguments);
    };
    const auto r = limited({"resume", out, "--epochs", "2"});
    expect_one_line_error(r, ".pt: write failed: File too large");  // best.pt or epoch-0002.pt, whichever comes first
    QVERIFY2(r.err.contains(out + "/checkpoints/"), qPrintable(r.err));
    QCOMPARE(read_json(out + "/report.json")["status"].toString(), QStringLiteral("failed"));
    QVERIFY(read_json(out + "/report.json")["error"].toString().contains("File too large"));
    QCOMPARE(read_all(out + "/checkpoints/epoch-0001.pt"), first);
    QCOMPARE(read_all(out + "/checkpoints/best.pt"), best);
    const QStringList left = QDir(out + "/checkpoints").entryList(QDir::Files | QDir::Hidden, QDir::Name);
    QCOMPARE(left, (QStringList{"best.pt", "epoch-0001.pt"}));
    QVERIFY(read_all(out + "/train.log").endsWith('\n'));  // no line cut in half

    const auto e =
        run_process("bash", {"-c", "ulimit -f 1; trap '' XFSZ; exec \"$0\" \"$@\"", CRADLE_CLI_PATH, "eval", out});
    expect_one_line_error(e, "File too large");
    QVERIFY(!QDir(out + "/evaluation/test-last").exists());
    QVERIFY(QDir(out + "/evaluation").entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
  }

  void resumeContinuesARunToTheSameResult() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 60, 20);
    const auto experiment = write_quadrant_experiment(dir.path(), R"({"train": {"epochs": 1, "log_every": 1}})");
    const QString straight = dir.filePath("straight"), resumed = dir.filePath("resumed");
    QCOMPARE(run_cli({"train", experiment, "--out", straight, "--set", "train.epochs=3"}).exit_code, 0);
    QCOMPARE(run_cli({"train", experiment, "--out", resumed, "--set", "train.keep_checkpoints=1"}).exit_code, 0);
    const QString started_at = read_json(resumed + "/report.json")["started_at"].toString();
    // What a process killed while writing a checkpoint leaves: its temporary file.
    QProcess gone;
    gone.start("true");
    QVERIFY(gone.waitForStarted());
    const qint64 dead_pid = gone.processId();
    QVERIFY(gone.waitForFinished());
    const QString abandoned = resumed + "/checkpoints/.epoch-0002.pt.tmp-" + QString::number(dead_pid) + "-0";
    QFile(abandoned).open(QIODevice::WriteOnly);
    QVERIFY(QFile::exists(abandoned));
    QTest::qWait(1100);  // a second later, so a resume's own time would differ
    const auto r = run_cli({"resume", resumed, "--epochs", "3"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("resuming from " + resumed + "/checkpoints/epoch-0001.pt"), qPrintable(r.out));
    const auto a = read_json(straight + "/report.json"), b = read_json(resumed + "/report.json");
    QCOMPARE(b["resumed_from"].toString(), QString("checkpoints/epoch-0001.pt"));
    QCOMPARE(b["started_at"].toString(), started_at);  // the run's start, not the resume's
    QVERIFY(b["resumed_at"].toString() > started_at);
    QVERIFY(!QFile::exists(abandoned));
    // keep_checkpoints 1 counts the checkpoint from before the resume too.
    QCOMPARE(QDir(resumed + "/checkpoints").entryList({"epoch-*.pt"}, QDir::Files), QStringList{"epoch-0003.pt"});
    QCOMPARE(b["epochs_completed"].toInt(), 3);
    QCOMPARE(b["metrics"].toObject()["test"].toObject()["loss"].toDouble(),
             a["metrics"].toObject()["test"].toObject()["loss"].toDouble());
    // One metrics file holding both parts, steps 1..9 once each (3 per epoch).
    const auto lines = read_all(resumed + "/metrics.jsonl").split('\n');
    int train_lines = 0;
    for (const auto& line : lines)
      if (line.contains("\"kind\":\"train\"")) ++train_lines;
    QCOMPARE(train_lines, 9);
    QVERIFY(QString::fromUtf8(read_all(resumed + "/train.log"))
                .contains("resumed from checkpoints/epoch-0001.pt, train.epochs now 3"));
    expect_one_line_error(run_cli({"resume", dir.filePath("nowhere")}), "nowhere: no such run folder");
  }

  void runsListsEveryRunWithItsStatus() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 40, 12);
    const auto experiment = write_quadrant_experiment(dir.path(), R"({"train": {"epochs": 1}})");
    const QString runs = dir.filePath("runs");
    QCOMPARE(run_cli({"train", experiment, "--out", runs + "/done"}).exit_code, 0);
    // A run still training (no report yet), a damaged report, and a folder that is no run.
    QVERIFY(QDir().mkpath(runs + "/training"));
    QVERIFY(QFile::copy(runs + "/done/experiment.json", runs + "/training/experiment.json"));
    QVERIFY(QDir().mkpath(runs + "/damaged"));
    QVERIFY(QFile::copy(runs + "/done/experiment.json", runs + "/damaged/experiment.json"));
    QFile broken(runs + "/damaged/report.json");
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"status\": ");
    broken.close();
    QVERIFY(QDir().mkpath(runs + "/notes"));

    const auto r = run_cli({"runs", runs});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.startsWith("3 runs in "), qPrintable(r.out));
    const double accuracy =
        read_json(runs + "/done/report.json")["metrics"].toObject()["test"].toObject()["accuracy"].toDouble();
    QVERIFY2(
        r.out.contains(QRegularExpression(
            QString("done\\s+quadrants\\s+completed\\s+accuracy %1\\s+1 ").arg(QString::number(accuracy, 'g', 4)))),
        qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression("training\\s+quadrants\\s+incomplete")), qPrintable(r.out));
    QVERIFY2(
        r.out.contains(QRegularExpression("damaged\\s+quadrants\\s+unreadable")) && r.out.contains("report.json: "),
        qPrintable(r.out));
    QVERIFY(!r.out.contains("notes"));
    // The newest finished run first; filtering by experiment; an absent folder has none.
    QVERIFY(r.out.indexOf("done") < r.out.indexOf("training"));
    QVERIFY(run_cli({"runs", runs, "--experiment", "other"}).out.startsWith("0 runs in "));
    QVERIFY(run_cli({"runs", dir.filePath("nowhere")}).out.startsWith("0 runs in "));
  }

  void evalOfSomethingElseFailsClearly() {
    QTemporaryDir dir;
    expect_one_line_error(run_cli({"eval", dir.path()}), "not a run folder (no experiment.json)");
  }

  void inspectPrintsTheLayerTable() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 20, 8);
    const auto r = run_cli({"inspect", write_quadrant_experiment(dir.path())});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("fc1"), qPrintable(r.out));
    // 64*16+16 + 16*4+4
    QVERIFY2(r.out.contains("total parameters: 1,108"), qPrintable(r.out));
  }

  void inspectChecksAHuggingFaceModelFolder() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("tiny-llama");
    write_tiny_llama_folder(folder);
    const auto r = run_cli({"inspect", folder});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("LlamaForCausalLM (model_type llama)"), qPrintable(r.out));
    QVERIFY2(r.out.contains("2 layers, width 16, 2 attention heads of 8 (1 key/value heads), MLP 32, vocabulary 40"),
             qPrintable(r.out));
    // 40*16 + 2*(2*16 + 16*16 + 2*8*16 + 16*16 + 3*32*16) + 16: every tensor read, none left over.
    QVERIFY2(r.out.contains("F32 in 1 file, 5,328 parameters"), qPrintable(r.out));
    QVERIFY2(r.out.contains("tokenizer: none"), qPrintable(r.out));
    // A training step's memory: every weight trains in full fine-tuning; LoRA's rank 8 on the seven
    // projections of both layers trains 2 * 8 * (32 + 24 + 24 + 32 + 48 + 48 + 48) parameters.
    QVERIFY2(r.out.contains("a training step at batch 1, context 64, AdamW"), qPrintable(r.out));
    QVERIFY2(QRegularExpression("full fine-tuning +[0-9]+  \\(5,328 trainable").match(r.out).hasMatch(),
             qPrintable(r.out));
    QVERIFY2(QRegularExpression("LoRA r = 8 on every projection +[0-9]+  \\(4,096 trainable").match(r.out).hasMatch(),
             qPrintable(r.out));
    // Its tokenizer: kind, size, special tokens, chat template; one with an id
    // the embedding has no row for is refused naming both files.
    write_tiny_llama_tokenizer(folder, 0);
    const auto with_tokenizer = run_cli({"inspect", folder});
    QVERIFY2(with_tokenizer.out.contains("tokenizer: BPE, 40 tokens; bos <s> (1), eos </s> (2); its own chat template"),
             qPrintable(with_tokenizer.out + with_tokenizer.err));
    write_tiny_llama_tokenizer(folder, 1);
    expect_one_line_error(run_cli({"inspect", folder}), "tokenizer.json: the tokenizer has ids up to 40 but " + folder +
                                                            "/config.json gives the embedding 40 rows");
    QFile::remove(folder + "/model.safetensors");
    expect_one_line_error(run_cli({"inspect", folder}), "no model.safetensors or model.safetensors.index.json");
  }

  // A downloaded model tried before tuning: its tokenizer, its chat template
  // (or the prompt as plain text), greedy output the same every time.
  void generateRunsAHuggingFaceModelFolder() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("tiny-llama");
    write_tiny_llama_folder(folder);
    write_tiny_llama_tokenizer(folder, 0);
    // float32: bfloat16's rounding could tip a near tie between the cached and the recomputed path.
    const QStringList greedy = {"generate", folder,          "--prompt", "the cat",   "--max-tokens",
                                "12",       "--temperature", "0",        "--weights", "float32"};
    const auto chat = run_cli(greedy);
    QVERIFY2(chat.exit_code == 0, qPrintable(chat.out + chat.err));
    QVERIFY2(chat.out.startsWith("user: the cat\nassistant:"), qPrintable(chat.out));
    QVERIFY2(chat.err.contains("tokens in") && chat.err.contains("key/value cache; finished: "), qPrintable(chat.err));
    QCOMPARE(run_cli(greedy).out, chat.out);
    // The key/value cache changes nothing but the speed.
    const auto recomputed = run_cli(QStringList(greedy) << "--no-cache");
    QVERIFY2(recomputed.err.contains("context recomputed; finished: "), qPrintable(recomputed.err));
    QCOMPARE(recomputed.out, chat.out);
    const auto plain = run_cli(QStringList(greedy) << "--no-chat-template");
    QVERIFY2(plain.exit_code == 0 && plain.out.startsWith("the cat"), qPrintable(plain.out + plain.err));
    expect_one_line_error(run_cli({"generate", folder, "--checkpoint", "best"}), "--checkpoint names a run's weights");
    const auto half =
        run_cli({"generate", folder, "--prompt", "the cat", "--max-tokens", "4", "--weights", "bfloat16"});
    QVERIFY2(half.exit_code == 0 && half.err.startsWith("[weights: bfloat16 (as asked"), qPrintable(half.err));
    // generation_config.json's end tokens end the text, as transformers' generate() does: here, any token.
    QJsonArray every_id;
    for (int id = 0; id < 40; ++id) every_id.append(id);
    QFile generation(folder + "/generation_config.json");
    QVERIFY(generation.open(QIODevice::WriteOnly));
    generation.write(QJsonDocument(QJsonObject{{"eos_token_id", every_id}}).toJson());
    generation.close();
    const auto ended = run_cli(greedy);
    QVERIFY2(ended.err.contains("[1 tokens") && ended.err.contains("finished: end_of_text"), qPrintable(ended.err));
    QVERIFY(generation.open(QIODevice::WriteOnly | QIODevice::Truncate));
    generation.write(R"({"eos_token_id": "</s>"})");
    generation.close();
    expect_one_line_error(run_cli(greedy), "generation_config.json: eos_token_id: expected a token id");
  }

  // predict answers a model folder's prompts as generate does: the user's
  // turn in its chat template, the same greedy reply; JSON lines with --json.
  void predictAnswersFromAHuggingFaceModelFolder() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("tiny-llama");
    write_tiny_llama_folder(folder);
    write_tiny_llama_tokenizer(folder, 0);
    const auto generated = run_cli({"generate", folder, "--prompt", "the cat", "--max-tokens", "12", "--temperature",
                                    "0", "--weights", "float32"});
    QVERIFY2(generated.exit_code == 0, qPrintable(generated.out + generated.err));
    const QString prefix = "user: the cat\nassistant:";
    QVERIFY2(generated.out.startsWith(prefix) && generated.out.endsWith("\n"), qPrintable(generated.out));
    const QString reply = generated.out.mid(prefix.size()).chopped(1);
    const auto predicted =
        run_cli({"predict", folder, "the cat", "a dog", "--json", "--max-tokens", "12", "--temperature", "0"});
    QVERIFY2(predicted.exit_code == 0, qPrintable(predicted.out + predicted.err));
    const QStringList lines = predicted.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject first = QJsonDocument::fromJson(lines[0].toUtf8()).object();
    QCOMPARE(first["input"].toString(), QString("the cat"));
    QCOMPARE(first["text"].toString(), reply);
    QVERIFY2(first["tokens"].toInt() >= 1, qPrintable(lines[0]));
    QCOMPARE(QJsonDocument::fromJson(lines[1].toUtf8()).object()["input"].toString(), QString("a dog"));
    expect_one_line_error(run_cli({"predict", dir.path(), "the cat"}), "no bundle.json");
  }

  // A downloaded model for llama.cpp and Ollama: NAME.gguf and NAME.Modelfile
  // (core.GgufExportTest checks the file itself against independent readers).
  void exportWritesAGgufFileOfAModelFolder() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("tiny-llama");
    write_tiny_llama_folder(folder);
    write_tiny_llama_tokenizer(folder, 0);
    const QString gguf = dir.filePath("out/tiny.gguf");
    const auto r = run_cli({"export", folder, "--format", "gguf", "--type", "q8_0", "--out", gguf});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    // Only down_proj's rows (32 values) are whole Q8_0 blocks; the other matrices
    // (rows of 16) fall back to F16, the five norms stay F32.
    QVERIFY2(r.out.contains("architecture llama, 20 tensors (13 F16, 5 F32, 2 Q8_0), 5328 parameters"),
             qPrintable(r.out));
    // inspect reads the file back as the architecture (core.GgufExportTest compares its logits).
    const auto inspected = run_cli({"inspect", gguf});
    QVERIFY2(inspected.exit_code == 0 && inspected.out.contains("GGUF file " + gguf + ": architecture llama") &&
                 inspected.out.contains("weights: mixed, 5,328 parameters, every tensor read back"),
             qPrintable(inspected.out + inspected.err));
    QVERIFY2(inspected.out.contains("tokenizer: BPE with byte fallback") &&
                 inspected.out.contains("bos <s> (1), eos </s> (2)"),
             qPrintable(inspected.out));
    // generate runs the file with its own tokenizer and chat template: in
    // float32 it writes the folder's greedy text.
    const QString f32 = dir.filePath("out/tiny-f32.gguf");
    QVERIFY(run_cli({"export", folder, "--format", "gguf", "--type", "f32", "--out", f32}).exit_code == 0);
    const QStringList greedy = {"--prompt",      "the cat", "--max-tokens", "12",
                                "--temperature", "0",       "--weights",    "float32"};
    const auto from_folder = run_cli(QStringList{"generate", folder} + greedy);
    const auto from_file = run_cli(QStringList{"generate", f32} + greedy);
    QVERIFY2(from_file.exit_code == 0 && from_file.out.size() > QString("the cat").size(),
             qPrintable(from_file.out + from_file.err));
    QCOMPARE(from_file.out, from_folder.out);
    expect_one_line_error(run_cli({"generate", f32, "--adapter", folder}), "not into a GGUF file");
    QFile file(gguf);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.read(4), QByteArray("GGUF"));
    QFile modelfile(dir.filePath("out/tiny.Modelfile"));
    QVERIFY(modelfile.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(modelfile.readAll());
    QVERIFY2(text.contains("FROM ./tiny.gguf\n") && text.contains("PARAMETER stop \"</s>\"\n"), qPrintable(text));
    // Refusals name what is wrong; nothing is written.
    expect_one_line_error(run_cli({"export", dir.path(), "--format", "gguf", "--out", dir.filePath("x.gguf")}),
                          "is not a Hugging Face model folder");
    expect_one_line_error(run_cli({"export", folder, "--format", "gguf", "--out", dir.filePath("x.bin")}),
                          "should end in .gguf");
    QVERIFY(!QFile::exists(dir.filePath("x.gguf")));
  }

  // A LoRA adapter in peft's layout (written by the independent reference,
  // tests/reference/peft_lora_reference.py): merged into a new model folder,
  // generated from directly, and merged on the way to GGUF (core.PeftAdapterTest
  // checks the logits).
  void mergeFoldsAnAdapterIntoAModelFolder() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("tiny-llama"), adapter = dir.filePath("tiny-adapter");
    write_tiny_llama_folder(folder);
    write_tiny_llama_tokenizer(folder, 0);
    QProcess python;
    python.start("/usr/bin/python3", {CRADLE_SOURCE_DIR "/tests/reference/peft_lora_reference.py", "write", folder,
                                      adapter, "4", "16", "q_proj,v_proj,down_proj", "1"});
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());

    const QString merged = dir.filePath("merged");
    const auto r = run_cli({"merge", folder, adapter, "--out", merged});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.err.contains("LoRA r = 4, alpha 16 on 6 projections, merged"), qPrintable(r.err));
    QVERIFY2(r.out.contains("Hugging Face folder " + merged + ": 20 tensors, 5328 parameters in float32"),
             qPrintable(r.out));
    for (const char* file :
         {"config.json", "model.safetensors", "README.md", "tokenizer.json", "tokenizer_config.json"})
      QVERIFY2(QFile::exists(merged + "/" + file), file);
    QVERIFY(read_all(merged + "/README.md").contains("The LoRA adapter tiny-adapter (r = 4, alpha 16"));

    // The merged folder and the base with the adapter answer alike; the base alone differs.
    const QStringList greedy = {"--prompt",      "the cat", "--max-tokens", "12",
                                "--temperature", "0",       "--weights",    "float32"};
    const auto from_merged = run_cli(QStringList{"generate", merged} + greedy);
    const auto with_adapter = run_cli(QStringList{"generate", folder, "--adapter", adapter} + greedy);
    QVERIFY2(from_merged.exit_code == 0 && with_adapter.exit_code == 0, qPrintable(from_merged.err + with_adapter.err));
    QCOMPARE(with_adapter.out, from_merged.out);
    QVERIFY(with_adapter.err.contains("[adapter "));

    // export --format hf: the same as merge; --dtype halves the file.
    const QString half = dir.filePath("half");
    const auto exported =
        run_cli({"export", folder, "--format", "hf", "--adapter", adapter, "--dtype", "bfloat16", "--out", half});
    QVERIFY2(exported.exit_code == 0 && exported.out.contains("in bfloat16"), qPrintable(exported.out + exported.err));
    QVERIFY(read_all(half + "/config.json").contains("\"torch_dtype\": \"bfloat16\""));
    const auto gguf =
        run_cli({"export", folder, "--format", "gguf", "--adapter", adapter, "--out", dir.filePath("merged.gguf")});
    QVERIFY2(gguf.exit_code == 0 && gguf.err.contains("merged]"), qPrintable(gguf.out + gguf.err));

    // Refusals name what is wrong, and an existing folder is left as it was.
    expect_one_line_error(run_cli({"merge", folder, folder, "--out", dir.filePath("x")}), "no adapter_config.json");
    expect_one_line_error(run_cli({"merge", folder, adapter, "--out", merged}), "already exists");
    QVERIFY(QFile::exists(merged + "/model.safetensors"));
    expect_one_line_error(run_cli({"export", dir.path(), "--format", "hf", "--out", dir.filePath("y")}),
                          "is not a Hugging Face model folder");
  }

#ifdef CRADLE_GUI_PATH  // built with CRADLE_WITH_GUI
  void headlessStudioTrainsInTheTerminal() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 40, 8);
    const QString experiment = write_quadrant_experiment(dir.path(), R"({"train": {"epochs": 1}})");
    // No display at all: `cradle` must notice and train instead of opening a window.
    const auto r = run_process(QStringLiteral(CRADLE_GUI_PATH), {experiment}, 120000,
                               {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}, dir.path());
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("no display found"), qPrintable(r.out));
    QVERIFY2(r.out.contains("test accuracy: "), qPrintable(r.out));
    // The run folder is made under runs/ in the working directory.
    const auto runs = QDir(dir.filePath("runs")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(runs.size(), 1);
    QVERIFY2(runs.front().startsWith("quadrants-"), qPrintable(runs.front()));
    QVERIFY(QFile::exists(dir.filePath("runs/" + runs.front() + "/report.json")));
  }
#endif
};

CRADLE_REGISTER_TEST(CliTest);

}  // namespace cradle::test

#include "cli_test.moc"
