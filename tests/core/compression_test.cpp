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
#include "core/compress/distillation.h"
#include "core/compress/magnitude_pruning.h"
#include "core/compress/model_footprint.h"
#include "core/experiment/experiment.h"
#include "core/run/experiment_run.h"
#include "core/run/run_weights.h"
#include "core/models/model_factory.h"
#include "tests/core/tiny_chat_fixture.h"
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

std::string config_error(const Json& doc) {
  try {
    parse_experiment(doc);
    return "accepted";
  } catch (const ConfigError& error) {
    return error.what();
  }
}

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
    const QString experiment = write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [64]}, "train": {"epochs": 4}})");
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
    QVERIFY(c["compressed"]["compressed_bytes"].get<std::int64_t>() < c["original"]["compressed_bytes"].get<std::int64_t>());
    QCOMPARE(c["metric"].get<std::string>(), std::string("test_accuracy"));
    QCOMPARE(c["compressed"]["test_accuracy"].get<double>(), result.test->accuracy);
    const double original_accuracy = Json::parse(read_file(root / "dense" / "report.json"))["metrics"]["test"]["accuracy"];
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
    QVERIFY(std::abs(distillation_loss(student, student, label, 1.0, 3.0).item<double>()) < 1e-7);  // the same logits: no KL
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
    const QString experiment = write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [64]}, "train": {"epochs": 3}})");
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
    const double teacher_accuracy = Json::parse(read_file(root / "teacher" / "report.json"))["metrics"]["test"]["accuracy"];
    QVERIFY(std::abs(c["original"]["test_accuracy"].get<double>() - teacher_accuracy) < 1e-9);
    QVERIFY(read_file(root / "student" / "train.log").find("distilled: the student against " + (root / "teacher").string() +
                                                           ": test_accuracy") != std::string::npos);
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
    QCOMPARE(read_file(root / "student" / "model" / "tokenizer.json"), read_file(root / "teacher" / "model" / "tokenizer.json"));
  }

  void distillStageChecksItsFile() {
    Json doc = {{"name", "s"},
                {"stage", "distill"},
                {"data", {{"train_images", "a"}, {"train_labels", "b"}, {"test_images", "c"}, {"test_labels", "d"}}},
                {"model", {{"type", "mlp"}, {"hidden", {8}}}},
                {"compress", {{"teacher", "runs/big"}}}};
    QCOMPARE(config_error(doc), std::string("accepted"));
    QCOMPARE(parse_experiment(doc).compress.alpha, 0.5);
    auto no_model = doc;
    no_model.erase("model");
    QVERIFY(config_error(no_model).find("model: required for stage \"distill\"") != std::string::npos);
    auto no_teacher = doc;
    no_teacher["compress"].erase("teacher");
    QVERIFY(config_error(no_teacher).find("compress.teacher: required") != std::string::npos);
    auto with_init = doc;
    with_init["init_from"] = "runs/big";
    QVERIFY(config_error(with_init).find("init_from: only the stages that start from another run") != std::string::npos);
    auto prune_field = doc;
    prune_field["compress"]["sparsity"] = 0.5;
    QVERIFY2(config_error(prune_field).find("compress.sparsity") != std::string::npos, config_error(prune_field).c_str());
  }

  void pruneStageChecksItsFile() {
    Json doc = {{"name", "p"},
                {"stage", "prune"},
                {"init_from", "runs/dense"},
                {"data", {{"train_images", "a"}, {"train_labels", "b"}, {"test_images", "c"}, {"test_labels", "d"}}},
                {"train", {{"epochs", 3}}},
                {"compress", {{"sparsity", 0.8}, {"cycles", 2}}}};
    QCOMPARE(config_error(doc), std::string("accepted"));
    QVERIFY(parse_experiment(doc).model_inherited);
    auto with_model = doc;  // as the run folder's frozen copy has it; checked against init_from's when the run starts
    with_model["model"] = {{"type", "mlp"}};
    QVERIFY(!parse_experiment(with_model).model_inherited);
    auto too_sparse = doc;
    too_sparse["compress"]["sparsity"] = 1.0;
    QVERIFY(config_error(too_sparse).find("compress.sparsity") != std::string::npos);
    auto few_epochs = doc;
    few_epochs["train"]["epochs"] = 1;
    QVERIFY(config_error(few_epochs).find("fewer than compress.cycles 2") != std::string::npos);
    auto early = doc;
    early["train"]["early_stopping"] = {{"patience", 2}};
    QVERIFY(config_error(early).find("train.early_stopping: a pruned run ends at its final sparsity") != std::string::npos);
    auto stray = doc;
    stray.erase("stage");
    stray.erase("init_from");
    QVERIFY(config_error(stray).find("compress: only the stages prune and distill read it") != std::string::npos);
    // Round trip: the compress section written back canonically.
    const Json back = experiment_to_json(parse_experiment(doc));
    QCOMPARE(back["compress"]["scope"].get<std::string>(), std::string("global"));
    QCOMPARE(back["compress"]["cycles"].get<std::int64_t>(), std::int64_t(2));
  }
};

CRADLE_REGISTER_TEST(CompressionTest);

}  // namespace cradle::test

#include "compression_test.moc"
