// Compression stages (issue 10): the polynomial pruning schedule and magnitude
// pruning by hand, masks that hold through fine-tuning, the prune stage's run
// and its comparison with the original run; the distillation loss by hand and
// a student distilled from a teacher run; the experiment file's checks.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/compress/channel_pruning.h"
#include "core/compress/distillation.h"
#include "core/compress/dynamic_int8_linear.h"
#include "core/compress/int8_weights.h"
#include "core/compress/magnitude_pruning.h"
#include "core/compress/model_footprint.h"
#include "core/experiment/experiment.h"
#include "core/models/model_factory.h"
#include "core/run/experiment_run.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_quantization.h"
#include "core/run/run_weights.h"
#include "core/train/checkpoint.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/support/experiment_refusal.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

// Linear(3 -> 2) then Linear(2 -> 1) with weights 1..6 and 7..8 (signs alternating).
torch::nn::Sequential numbered_model() {
  torch::nn::Sequential model(torch::nn::Linear(3, 2), torch::nn::ReLU(), torch::nn::Linear(2, 1));
  torch::NoGradGuard no_grad;
  auto params = model->named_parameters();
  params["0.weight"].copy_(torch::tensor({{1.0f, -2.0f, 3.0f}, {-4.0f, 5.0f, -6.0f}}));
  params["2.weight"].copy_(torch::tensor({{7.0f, -0.5f}}));
  return model;
}

std::int64_t zeros_of(const torch::Tensor& t) { return t.eq(0).sum().item<std::int64_t>(); }

}  // namespace

class CompressionTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void polynomialScheduleByHand() {
    QCOMPARE(scheduled_sparsity(0.8, 3, 3), 0.8);
    QVERIFY(std::abs(scheduled_sparsity(0.8, 1, 3) - 0.8 * (1 - 8.0 / 27)) < 1e-12);
    QVERIFY(std::abs(scheduled_sparsity(0.8, 2, 3) - 0.8 * (1 - 1.0 / 27)) < 1e-12);
    QCOMPARE(scheduled_sparsity(0.5, 0, 3), 0.0);
    QCOMPARE(scheduled_sparsity(0.5, 5, 3), 0.5);  // past the last cycle: the final sparsity
  }

  void magnitudePruningByHand() {
    // Global: 8 weights, 50% -> the 4 smallest magnitudes (0.5, 1, 2, 3) go, across both layers.
    auto model = numbered_model();
    MagnitudePruner global(*model, "global");
    global.prune_to(0.5);
    auto p = model->named_parameters();
    QVERIFY(torch::equal(p["0.weight"], torch::tensor({{0.0f, 0.0f, 0.0f}, {-4.0f, 5.0f, -6.0f}})));
    QVERIFY(torch::equal(p["2.weight"], torch::tensor({{7.0f, 0.0f}})));
    QCOMPARE(global.sparsity(), 0.5);
    const auto layers = global.layers();
    QCOMPARE(layers.size(), size_t(2));
    QCOMPARE(layers[0].layer, std::string("0"));
    QCOMPARE(layers[0].zeros, std::int64_t(3));
    QCOMPARE(layers[1].sparsity(), 0.5);
    // The masks hold: a step that moves pruned weights is undone; a lower target never un-prunes.
    {
      torch::NoGradGuard no_grad;
      p["0.weight"].add_(1.0f);
    }
    global.apply_masks();
    QCOMPARE(zeros_of(p["0.weight"]), std::int64_t(3));
    global.prune_to(0.25);
    QCOMPARE(global.sparsity(), 0.5);
    // Per layer: each layer loses half (rounded): 3 of 6 and 1 of 2.
    auto other = numbered_model();
    MagnitudePruner per_layer(*other, "layer");
    per_layer.prune_to(0.5);
    auto q = other->named_parameters();
    QVERIFY(torch::equal(q["0.weight"], torch::tensor({{0.0f, 0.0f, 0.0f}, {-4.0f, 5.0f, -6.0f}})));
    QVERIFY(torch::equal(q["2.weight"], torch::tensor({{7.0f, 0.0f}})));
    auto third = numbered_model();
    MagnitudePruner again(*third, "layer");
    again.prune_to(0.34);  // 2 of 6, 1 of 2 (0.68 rounds to 1)
    QCOMPARE(zeros_of(third->named_parameters()["0.weight"]), std::int64_t(2));
    QCOMPARE(zeros_of(third->named_parameters()["2.weight"]), std::int64_t(1));
  }

  void pruneStageFineTunesWithTheMasksAndComparesWithTheOriginal() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 400, 100);
    const QString experiment =
        write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [64]}, "train": {"epochs": 4}})");
    const fs::path root = dir.path().toStdString();
    ExperimentRun(load_experiment(experiment.toStdString()), root / "dense").train();

    Json doc = Json::parse(read_file(experiment.toStdString()));
    doc["name"] = "quadrants-pruned";
    doc["stage"] = "prune";
    doc["init_from"] = (root / "dense").string();
    doc.erase("model");
    doc["train"]["epochs"] = 3;
    doc["compress"] = {{"sparsity", 0.8}, {"cycles", 2}};
    Experiment pruning = parse_experiment(doc);
    pruning.base_dir = root;
    const auto result = ExperimentRun(pruning, root / "pruned").train();
    QVERIFY(result.test);

    const Json report = Json::parse(read_file(root / "pruned" / "report.json"));
    QCOMPARE(report["stage"].get<std::string>(), std::string("prune"));
    QVERIFY(std::abs(report["pruning"]["sparsity"].get<double>() - 0.8) < 1e-3);
    QCOMPARE(report["pruning"]["layers"].size(), size_t(2));
    // The saved weights hold the zeros fine-tuning was not allowed to move.
    auto loaded = load_experiment(root / "pruned" / "experiment.json");
    QCOMPARE(loaded.model.hidden, std::vector<std::int64_t>{64});  // the original's model, written out
    const Json& c = report["compression"];
    const auto weights = c["compressed"]["parameters"].get<std::int64_t>();
    const auto nonzero = c["compressed"]["nonzero_parameters"].get<std::int64_t>();
    QCOMPARE(c["original"]["parameters"].get<std::int64_t>(), weights);
    // 64*64 + 4*64 linear weights, 80% of them zero; biases stay.
    QVERIFY2(weights - nonzero >= static_cast<std::int64_t>(0.8 * (64 * 64 + 4 * 64)) - 1,
             qPrintable(QString("%1 of %2 non-zero").arg(nonzero).arg(weights)));
    QVERIFY(c["compressed"]["compressed_bytes"].get<std::int64_t>() <
            c["original"]["compressed_bytes"].get<std::int64_t>());
    QCOMPARE(c["metric"].get<std::string>(), std::string("test_accuracy"));
    QCOMPARE(c["compressed"]["test_accuracy"].get<double>(), result.test->accuracy);
    const double original_accuracy =
        Json::parse(read_file(root / "dense" / "report.json"))["metrics"]["test"]["accuracy"];
    QVERIFY(std::abs(c["original"]["test_accuracy"].get<double>() - original_accuracy) < 1e-9);
    QVERIFY2(result.test->accuracy > 0.9, qPrintable(QString::number(result.test->accuracy)));
    QVERIFY(c["compressed"]["latency_ms_per_sample"]["batch_1"].get<double>() > 0);
    QVERIFY(read_file(root / "pruned" / "train.log").find("epoch 2: pruned to 80.0%") != std::string::npos);

    // Resumed for more epochs, the run keeps its zeros (its masks rebuilt from the checkpoint).
    auto more = ExperimentRun::resume(root / "pruned", 4);
    more->train();
    const Json resumed = Json::parse(read_file(root / "pruned" / "report.json"));
    QVERIFY(std::abs(resumed["pruning"]["sparsity"].get<double>() - 0.8) < 1e-3);
    QCOMPARE(resumed["compression"]["compressed"]["nonzero_parameters"].get<std::int64_t>(), nonzero);

    // Another model than the original's is refused before anything is written.
    doc["model"] = {{"type", "mlp"}, {"hidden", {32}}};
    Experiment other = parse_experiment(doc);
    other.base_dir = root;
    try {
      ExperimentRun(other, root / "other");
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("a pruned run keeps the model of the run it starts from"), error.what());
    }
    QVERIFY(!fs::exists(root / "other"));
  }

  // Channels whose filters are zero contribute nothing: removing exactly those
  // (the smallest L1 norms) must leave the model's outputs as they were.
  void channelPruningRemovesTheWeakestAndKeepsTheOutputs() {
    for (const std::string type : {"mlp", "cnn"}) {
      ModelSpec spec;
      spec.type = type;
      spec.conv_channels = {16, 16};
      spec.hidden = {32};
      spec.batch_norm = type == "cnn";
      spec.dropout = 0;
      const std::vector<std::int64_t> shape = {1, 8, 8};
      torch::manual_seed(5);
      auto model = build_model(spec, shape, 4, {});
      model->eval();
      {
        torch::NoGradGuard no_grad;
        auto p = model->named_parameters();
        // Every odd output of the first hidden layer and (cnn) of both convolutions is dead.
        for (const std::string layer : {"fc1", "conv1", "conv2"}) {
          if (!p.contains(layer + ".weight")) continue;
          p[layer + ".weight"].slice(0, 1, c10::nullopt, 2).zero_();
          if (p.contains(layer + ".bias")) p[layer + ".bias"].slice(0, 1, c10::nullopt, 2).zero_();
          // BatchNorm after a dead channel: scale and shift 0, so it outputs 0.
          const std::string norm = layer == "fc1" ? "fc_norm1" : layer == "conv1" ? "conv_norm1" : "conv_norm2";
          if (p.contains(norm + ".weight")) {
            p[norm + ".weight"].slice(0, 1, c10::nullopt, 2).zero_();
            p[norm + ".bias"].slice(0, 1, c10::nullopt, 2).zero_();
          }
        }
      }
      auto pruned = prune_channels(model, spec, 0.5, shape, 4, {});
      QCOMPARE(pruned.spec.hidden, std::vector<std::int64_t>{16});
      if (type == "cnn") QCOMPARE(pruned.spec.conv_channels, (std::vector<std::int64_t>{8, 8}));
      QCOMPARE(pruned.layers.back().kept, std::int64_t(16));
      QCOMPARE(pruned.layers.back().total, std::int64_t(32));
      pruned.model->eval();
      const auto x = torch::randn({5, 1, 8, 8});
      torch::NoGradGuard no_grad;
      const double difference = (pruned.model->forward(x) - model->forward(x)).abs().max().item<double>();
      QVERIFY2(difference < 1e-5, qPrintable(QString::fromStdString(type) + ": " + QString::number(difference)));
      // The kept fc1 rows are the live (even) ones, in order.
      const auto kept_rows = model->named_parameters()["fc1.weight"].slice(0, 0, c10::nullopt, 2);
      if (type == "mlp") QVERIFY(torch::equal(pruned.model->named_parameters()["fc1.weight"], kept_rows));
    }
    ModelSpec gpt;
    gpt.type = "gpt";
    torch::nn::Sequential none;
    QVERIFY_THROWS_EXCEPTION(ConfigError, prune_channels(none, gpt, 0.5, {16}, 10, {}));
  }

  void channelPruningStageRebuildsANarrowerModel() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 300, 80);
    const QString experiment =
        write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [64, 32]}, "train": {"epochs": 3}})");
    const fs::path root = dir.path().toStdString();
    ExperimentRun(load_experiment(experiment.toStdString()), root / "wide").train();
    Json doc = Json::parse(read_file(experiment.toStdString()));
    doc["stage"] = "prune";
    doc["init_from"] = (root / "wide").string();
    doc.erase("model");
    doc["compress"] = {{"method", "channels"}, {"sparsity", 0.5}};
    Experiment pruning = parse_experiment(doc);
    QCOMPARE(pruning.compress.cycles, std::int64_t(1));
    pruning.base_dir = root;
    QVERIFY(ExperimentRun(pruning, root / "narrow").train().test);
    const Json report = Json::parse(read_file(root / "narrow" / "report.json"));
    QCOMPARE(report["pruning"]["method"].get<std::string>(), std::string("channels"));
    QCOMPARE(report["pruning"]["layers"][0]["kept"].get<std::int64_t>(), std::int64_t(32));
    QCOMPARE(report["pruning"]["layers"][1]["kept"].get<std::int64_t>(), std::int64_t(16));
    QVERIFY(report["pruning"]["flops_ratio"].get<double>() < 0.6);
    const Json& c = report["compression"];
    QVERIFY(c["compressed"]["parameters"].get<std::int64_t>() < c["original"]["parameters"].get<std::int64_t>() / 2);
    // The frozen experiment names the narrower model: eval and resume build it.
    QCOMPARE(load_experiment(root / "narrow" / "experiment.json").model.hidden, (std::vector<std::int64_t>{32, 16}));
    EvaluationRequest request;
    request.run_dir = root / "narrow";
    QVERIFY(std::abs(evaluate_run(request).classification->accuracy - c["compressed"]["test_accuracy"].get<double>()) <
            1e-9);
    doc["compress"]["cycles"] = 2;
    QVERIFY(experiment_refusal(doc).contains("compress.cycles"));
  }

  void int8PerChannelByHand() {
    // Row 0: max 127 -> scale 1, exact; row 1: max 2.54 -> scale 0.02; row 2: all zero -> zeros back.
    const auto w = torch::tensor({{127.0f, -63.4f, 1.0f}, {2.54f, -1.27f, 0.011f}, {0.0f, 0.0f, 0.0f}});
    const Int8Tensor q = quantize_per_channel(w);
    QCOMPARE(q.values.scalar_type(), torch::kInt8);
    QVERIFY(torch::equal(q.values[0], torch::tensor({127, -63, 1}, torch::kInt8)));
    QVERIFY(torch::equal(q.values[1], torch::tensor({127, -64, 1}, torch::kInt8)));  // -63.5 rounds away from zero
    QVERIFY(std::abs(q.scales[1].item<float>() - 0.02f) < 1e-7);
    const auto back = dequantize(q);
    QVERIFY(torch::equal(back[2], torch::zeros({3})));
    // No element is further than half its channel's scale from where it was.
    QVERIFY(((back - w).abs() <= q.scales.unsqueeze(1) / 2 + 1e-6).all().item<bool>());
  }

  void int8WeightsFileRoundTripsAtAQuarterOfTheSize() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    torch::manual_seed(1);
    torch::nn::Sequential model(torch::nn::Linear(256, 512), torch::nn::BatchNorm1d(512), torch::nn::ReLU(),
                                torch::nn::Linear(512, 10));
    save_model_weights(root / "float.pt", *model);
    const auto report = save_int8_weights(root / "model.pt", *model);
    QCOMPARE(report.size(), size_t(2));  // the two weight matrices; biases and BatchNorm stay float
    QCOMPARE(report[0].name, std::string("0.weight"));
    QVERIFY(report[0].relative_error > 0 && report[0].relative_error < 0.01);
    QVERIFY(is_int8_weights_file(root / "model.pt"));
    QVERIFY(!is_int8_weights_file(root / "float.pt"));
    const double ratio =
        static_cast<double>(fs::file_size(root / "float.pt")) / static_cast<double>(fs::file_size(root / "model.pt"));
    QVERIFY2(ratio > 3.5, qPrintable(QString::number(ratio)));  // 136k weights: the issue's target
    torch::manual_seed(2);
    torch::nn::Sequential other(torch::nn::Linear(256, 512), torch::nn::BatchNorm1d(512), torch::nn::ReLU(),
                                torch::nn::Linear(512, 10));
    load_weights_file(root / "model.pt", *other);  // what eval and generate call
    const auto a = model->named_parameters(), b = other->named_parameters();
    for (const auto& p : a) {
      const double difference = (p.value() - b[p.key()]).abs().max().item<double>();
      const double bound = is_int8_candidate(p.value()) ? p.value().abs().max().item<double>() / 127 / 2 + 1e-6 : 0.0;
      QVERIFY2(difference <= bound, qPrintable(QString::fromStdString(p.key()) + ": " + QString::number(difference)));
    }
    torch::nn::Sequential wrong(torch::nn::Linear(256, 32), torch::nn::BatchNorm1d(32), torch::nn::ReLU(),
                                torch::nn::Linear(32, 10));
    QVERIFY_THROWS_EXCEPTION(DataError, load_int8_weights(root / "model.pt", *wrong));
  }

  void int8ComputeFollowsTheFloatModel() {
    select_quantized_engine("auto");
    torch::manual_seed(3);
    torch::nn::Sequential model(torch::nn::Flatten(), torch::nn::Linear(48, 32), torch::nn::ReLU(),
                                torch::nn::Linear(32, 5));
    model->eval();
    auto int8 = with_dynamic_int8_linears(model);
    QCOMPARE(int8.quantized_layers, std::int64_t(2));
    QCOMPARE(int8.linear_layers, std::int64_t(2));
    const auto x = torch::randn({16, 3, 4, 4});
    torch::NoGradGuard no_grad;
    const auto expected = model->forward(x), got = int8.model->forward(x);
    QCOMPARE(got.sizes(), expected.sizes());
    const double relative = ((got - expected).norm() / expected.norm()).item<double>();
    qInfo("int8 compute on %s: %s activations, relative error %.4f",
          at::globalContext().qEngine() == at::QEngine::ONEDNN ? "onednn" : "another engine",
          int8.reduced_range ? "7-bit (reduced range)" : "8-bit", relative);
    QVERIFY2(relative < 0.03, qPrintable(QString::number(relative)));
    QVERIFY(std::abs(int8_relative_error(model, x) - relative) < 1e-3);
    QVERIFY(relative > 0);  // it did compute in int8
    QVERIFY_THROWS_EXCEPTION(ConfigError, select_quantized_engine("tpu"));
  }

  void quantizeWritesARunThatEvaluatesAsItsReportSays() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 300, 80);
    const QString experiment =
        write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [64]}, "train": {"epochs": 3}})");
    const fs::path root = dir.path().toStdString();
    ExperimentRun(load_experiment(experiment.toStdString()), root / "float").train();
    const Json report = quantize_run({root / "float", root / "int8", "auto"});
    QCOMPARE(report["stage"].get<std::string>(), std::string("quantize"));
    const Json& c = report["compression"];
    const double ratio = c["original"]["file_bytes"].get<double>() / c["compressed"]["file_bytes"].get<double>();
    QVERIFY2(ratio > 2.5, qPrintable(QString::number(ratio)));  // a tiny model: the archive's own overhead weighs more
    QCOMPARE(report["quantization"]["tensors"].size(), size_t(2));
    QCOMPARE(report["int8_compute"]["quantized_linear_layers"].get<std::int64_t>(), std::int64_t(2));
    const double before = c["original"]["test_accuracy"].get<double>(),
                 after = c["compressed"]["test_accuracy"].get<double>();
    QVERIFY2(std::abs(before - after) <= 0.02, qPrintable(QString("%1 -> %2").arg(before).arg(after)));
    // `eval` of the new run (int8 weights dequantised at load) gives the reported accuracy.
    EvaluationRequest request;
    request.run_dir = root / "int8";
    const auto evaluated = evaluate_run(request);
    QVERIFY(std::abs(evaluated.classification->accuracy - after) < 1e-9);
    QVERIFY(std::abs(report["metrics"]["test"]["accuracy"].get<double>() - after) < 1e-9);
    // A taken folder and an int8 run are refused, and the refusal leaves the folder as it was.
    QVERIFY_THROWS_EXCEPTION(IoError, quantize_run({root / "float", root / "int8", "auto"}));
    QVERIFY(fs::exists(root / "int8" / "report.json"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, quantize_run({root / "int8", root / "int8-again", "auto"}));
    QVERIFY(!fs::exists(root / "int8-again"));
  }

  void distillationLossByHand() {
    const auto student = torch::tensor({{1.0f, 0.0f}});
    const auto teacher = torch::tensor({{0.0f, 1.0f}});
    const auto label = torch::tensor({0}, torch::kLong);
    // T = 2: student probabilities softmax([0.5, 0]), teacher softmax([0, 0.5]).
    const double e = std::exp(0.5);
    const double ps0 = e / (e + 1), ps1 = 1 / (e + 1), pt0 = 1 / (1 + e), pt1 = e / (1 + e);
    const double kl = pt0 * std::log(pt0 / ps0) + pt1 * std::log(pt1 / ps1);
    const double ce = -std::log(std::exp(1.0) / (std::exp(1.0) + 1));
    const double expected = 0.5 * 4 * kl + 0.5 * ce;
    QVERIFY(std::abs(distillation_loss(student, teacher, label, 0.5, 2.0).item<double>() - expected) < 1e-6);
    QVERIFY(std::abs(distillation_loss(student, teacher, label, 0.0, 2.0).item<double>() - ce) < 1e-6);
    QVERIFY(std::abs(distillation_loss(student, student, label, 1.0, 3.0).item<double>()) <
            1e-7);  // the same logits: no KL
    try {
      distillation_loss(student, torch::zeros({1, 3}), label, 0.5, 2.0);
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("the teacher predicts 3 classes per row, the student 2"), error.what());
    }
  }

  void distillStageTrainsAStudentAndComparesItWithTheTeacher() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 400, 100);
    const QString experiment =
        write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [64]}, "train": {"epochs": 3}})");
    const fs::path root = dir.path().toStdString();
    ExperimentRun(load_experiment(experiment.toStdString()), root / "teacher").train();
    Json doc = Json::parse(read_file(experiment.toStdString()));
    doc["name"] = "quadrants-student";
    doc["stage"] = "distill";
    doc["model"]["hidden"] = {4};
    doc["compress"] = {{"teacher", (root / "teacher").string()}, {"alpha", 0.5}, {"temperature", 2.0}};
    Experiment student = parse_experiment(doc);
    student.base_dir = root;
    const auto result = ExperimentRun(student, root / "student").train();
    const Json report = Json::parse(read_file(root / "student" / "report.json"));
    QCOMPARE(report["stage"].get<std::string>(), std::string("distill"));
    const Json& c = report["compression"];
    QCOMPARE(c["compressed"]["parameters"].get<std::int64_t>(), std::int64_t(64 * 4 + 4 + 4 * 4 + 4));
    QCOMPARE(c["original"]["parameters"].get<std::int64_t>(), std::int64_t(64 * 64 + 64 + 64 * 4 + 4));
    QCOMPARE(c["compressed"]["test_accuracy"].get<double>(), result.test->accuracy);
    const double teacher_accuracy =
        Json::parse(read_file(root / "teacher" / "report.json"))["metrics"]["test"]["accuracy"];
    QVERIFY(std::abs(c["original"]["test_accuracy"].get<double>() - teacher_accuracy) < 1e-9);
    QVERIFY(read_file(root / "student" / "train.log")
                .find("distilled: the student against " + (root / "teacher").string() + ": test_accuracy") !=
            std::string::npos);
    // The teacher's folder is frozen into the run as an absolute path.
    QCOMPARE(load_experiment(root / "student" / "experiment.json").compress.teacher, (root / "teacher").string());
  }

  void aLanguageModelStudentLearnsFromItsTeacherPerToken() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_tiny_chat_files(root);
    Json teacher = tiny_pretrain_experiment(root);
    teacher["train"]["epochs"] = 1;
    ExperimentRun(parse_experiment(teacher), root / "teacher").train();
    Json student = tiny_pretrain_experiment(root);
    student["name"] = "student";
    student["stage"] = "distill";
    student["model"]["width"] = 16;
    student["model"]["layers"] = 1;
    student["data"]["tokenizer"] = {{"type", "char"}, {"vocab_size", 12}};  // not used: the teacher's tokenizer is
    student["train"]["epochs"] = 1;
    student["compress"] = {{"teacher", (root / "teacher").string()}};
    ExperimentRun(parse_experiment(student), root / "student").train();
    const Json report = Json::parse(read_file(root / "student" / "report.json"));
    const Json& c = report["compression"];
    QCOMPARE(c["metric"].get<std::string>(), std::string("test_perplexity"));
    QVERIFY(c["compressed"]["parameters"].get<std::int64_t>() < c["original"]["parameters"].get<std::int64_t>());
    const double perplexity = c["compressed"]["test_perplexity"].get<double>();
    QVERIFY2(perplexity > 1 && perplexity < 40, qPrintable(QString::number(perplexity)));
    QCOMPARE(read_file(root / "student" / "model" / "tokenizer.json"),
             read_file(root / "teacher" / "model" / "tokenizer.json"));
  }

  void distillStageChecksItsFile() {
    Json doc = {{"name", "s"},
                {"stage", "distill"},
                {"data", {{"train_images", "a"}, {"train_labels", "b"}, {"test_images", "c"}, {"test_labels", "d"}}},
                {"model", {{"type", "mlp"}, {"hidden", {8}}}},
                {"compress", {{"teacher", "runs/big"}}}};
    QCOMPARE(experiment_refusal(doc), QString("accepted"));
    QCOMPARE(parse_experiment(doc).compress.alpha, 0.5);
    auto no_model = doc;
    no_model.erase("model");
    QVERIFY(experiment_refusal(no_model).contains("model: required for stage \"distill\""));
    auto no_teacher = doc;
    no_teacher["compress"].erase("teacher");
    QVERIFY(experiment_refusal(no_teacher).contains("compress.teacher: required"));
    auto with_init = doc;
    with_init["init_from"] = "runs/big";
    QVERIFY(experiment_refusal(with_init).contains("init_from: a distilled student starts from scratch"));
    auto prune_field = doc;
    prune_field["compress"]["sparsity"] = 0.5;
    QVERIFY2(experiment_refusal(prune_field).contains("compress.sparsity"),
             qPrintable(experiment_refusal(prune_field)));
  }

  void pruneStageChecksItsFile() {
    Json doc = {{"name", "p"},
                {"stage", "prune"},
                {"init_from", "runs/dense"},
                {"data", {{"train_images", "a"}, {"train_labels", "b"}, {"test_images", "c"}, {"test_labels", "d"}}},
                {"train", {{"epochs", 3}}},
                {"compress", {{"sparsity", 0.8}, {"cycles", 2}}}};
    QCOMPARE(experiment_refusal(doc), QString("accepted"));
    QVERIFY(parse_experiment(doc).model_inherited);
    auto with_model = doc;  // as the run folder's frozen copy has it; checked against init_from's when the run starts
    with_model["model"] = {{"type", "mlp"}};
    QVERIFY(!parse_experiment(with_model).model_inherited);
    auto too_sparse = doc;
    too_sparse["compress"]["sparsity"] = 1.0;
    QVERIFY(experiment_refusal(too_sparse).contains("compress.sparsity"));
    auto few_epochs = doc;
    few_epochs["train"]["epochs"] = 1;
    QVERIFY(experiment_refusal(few_epochs).contains("fewer than compress.cycles 2"));
    auto early = doc;
    early["train"]["early_stopping"] = {{"patience", 2}};
    QVERIFY(experiment_refusal(early).contains("train.early_stopping: a pruned run ends at its final sparsity"));
    auto stray = doc;
    stray.erase("stage");
    stray.erase("init_from");
    QVERIFY(experiment_refusal(stray).contains("compress: only the stages prune and distill read it"));
    // Round trip: the compress section written back canonically.
    const Json back = experiment_to_json(parse_experiment(doc));
    QCOMPARE(back["compress"]["scope"].get<std::string>(), std::string("global"));
    QCOMPARE(back["compress"]["cycles"].get<std::int64_t>(), std::int64_t(2));
  }
};

CRADLE_REGISTER_TEST(CompressionTest);

}  // namespace cradle::test

#include "compression_test.moc"
