// Transfer learning (issue 14): a run that starts from another run's weights
// takes every tensor whose name and shape match and reports the others; frozen
// layers keep those weights exactly (for the whole run, or until an epoch);
// per-layer learning rates become optimizer groups at their multiple; a
// pattern that names no layer fails before the run folder exists.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/export/safetensors.h"
#include "core/models/imagenet_resnet.h"
#include "core/run/experiment_run.h"
#include "core/train/layer_selection.h"
#include "core/train/optimizer_factory.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace fs = std::filesystem;
namespace {

// A layer's tensor in a weights file (model.pt, or a checkpoint's model); `layer` may be a
// nested module's dotted path ("layer4.1.bn2").
torch::Tensor tensor_in(const fs::path& file, const std::string& layer, const std::string& name) {
  auto archive = std::make_unique<torch::serialize::InputArchive>();
  archive->load_from(file.string());
  auto model = std::make_unique<torch::serialize::InputArchive>();
  if (archive->try_read("model", *model)) archive = std::move(model);
  std::stringstream path(layer);
  for (std::string part; std::getline(path, part, '.');) {
    auto inner = std::make_unique<torch::serialize::InputArchive>();
    if (!archive->try_read(part, *inner)) return {};
    archive = std::move(inner);
  }
  torch::Tensor value;
  archive->try_read(name, value);
  return value;
}

}  // namespace

class TransferTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void globsMatchLayerNames() {
    QVERIFY(glob_match("conv*", "conv1") && glob_match("conv*", "conv") && glob_match("*", "anything"));
    QVERIFY(glob_match("fc?", "fc2") && !glob_match("fc?", "fc12") && glob_match("*norm*", "conv_norm1"));
    QVERIFY(!glob_match("conv*", "fc1") && !glob_match("out", "output") && glob_match("out", "out"));
    QCOMPARE(layer_of("conv1.weight"), std::string("conv1"));
    QVERIFY(layer_selected({"fc*", "out"}, "out.bias") && !layer_selected({"fc*"}, "out.bias"));
  }

  void startsFromAnotherRunFreezesAndReportsWhatDidNotFit() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 128, 32);
    const fs::path source = dir.filePath("runs/source").toStdString();
    ExperimentRun(load_experiment(write_quadrant_experiment(dir.path(), R"({"train": {"epochs": 2}})").toStdString()),
                  source)
        .train();
    // A new head (another hidden layer, so the output layer's shape changes), the old first layer frozen.
    const QString adapted = write_quadrant_experiment(dir.path(), R"({"model": {"hidden": [16, 8]},
        "train": {"epochs": 2, "freeze": {"layers": ["fc1"]}, "layer_lr": [{"layers": ["fc2", "out"], "scale": 2}]}})");
    Experiment transfer = load_experiment(adapted.toStdString(), {"init_from=" + source.string()});
    QCOMPARE(transfer.train.freeze.layers, std::vector<std::string>{"fc1"});
    QCOMPARE(load_experiment(adapted.toStdString()).train.layer_lr.at(0).scale, 2.0);
    const fs::path run = dir.filePath("runs/adapted").toStdString();
    ExperimentRun(transfer, run).train();

    const Json report = Json::parse(read_file(run / "report.json"));
    QCOMPARE(report["transfer"]["tensors_loaded"].get<int>(), 2);  // fc1.weight, fc1.bias
    const auto not_loaded = report["transfer"]["not_loaded"].dump();
    QVERIFY2(not_loaded.find("out.weight: shape [4, 16] there, [4, 8] here") != std::string::npos, not_loaded.c_str());
    // A layer is taken whole or not at all: the new head's bias has the old one's shape but stays fresh.
    QVERIFY2(not_loaded.find("out.bias: fits, but the rest of its layer does not") != std::string::npos,
             not_loaded.c_str());
    QVERIFY2(not_loaded.find("fc2.weight: not there") != std::string::npos, not_loaded.c_str());
    QVERIFY(read_file(run / "train.log").find("transfer: 2 tensors from") != std::string::npos);
    // Frozen for the whole run: exactly the source's weights; the new layers trained.
    QVERIFY(torch::equal(tensor_in(run / "model/model.pt", "fc1", "weight"),
                         tensor_in(source / "model/model.pt", "fc1", "weight")));
    QVERIFY(tensor_in(run / "model/model.pt", "out", "weight").sizes() == torch::IntArrayRef({4, 8}));
    // The experiment frozen into the run names its start, so it can be traced.
    QCOMPARE(load_experiment(run / "experiment.json").init_from, source.string());

    // Frozen until epoch 1: the first epoch's checkpoint still holds the source's weights, the end does not.
    Experiment thawing = transfer;
    thawing.train.freeze.until_epoch = 1;
    const fs::path thawed = dir.filePath("runs/thawed").toStdString();
    ExperimentRun(thawing, thawed).train();
    const auto original = tensor_in(source / "model/model.pt", "fc1", "weight");
    QVERIFY(torch::equal(tensor_in(thawed / "checkpoints/epoch-0001.pt", "fc1", "weight"), original));
    QVERIFY(!torch::equal(tensor_in(thawed / "model/model.pt", "fc1", "weight"), original));
  }

  // An ImageNet backbone folder (torchvision's names, timm's config.json) as
  // init_from: every tensor but the 1000-class head loads; the new 10-class head
  // starts fresh; ImageNet's normalisation is the data's default; frozen batch
  // norms keep the backbone's statistics while the trained ones move.
  void startsFromAnImageNetBackboneWithANewHead() {
    QTemporaryDir dir;
    write_cifar10_folder(dir.filePath("cifar-10-batches-bin"), 48, 1, 16);
    const fs::path backbone = dir.filePath("resnet18.a1_in1k").toStdString();
    fs::create_directories(backbone);
    torch::manual_seed(3);
    auto imagenet = build_imagenet_resnet(imagenet_resnet_shape("resnet18"), 3, 1000);
    {  // batch-norm statistics as a trained backbone has them (not 0 and 1), from a few batches
      torch::NoGradGuard no_grad;
      for (int batch = 0; batch < 3; ++batch) imagenet->forward(torch::randn({8, 3, 32, 32}) * 0.5 + 0.2);
    }
    NamedTensors tensors;
    for (const auto& p : imagenet->named_parameters()) tensors.emplace_back(p.key(), p.value());
    for (const auto& b : imagenet->named_buffers()) tensors.emplace_back(b.key(), b.value());
    write_safetensors(backbone / "model.safetensors", tensors);
    std::ofstream(backbone / "config.json") << Json{{"architecture", "resnet18"}, {"num_classes", 1000}}.dump();

    const Json experiment = {
        {"name", "backbone"},
        {"seed", 1},
        {"threads", 1},
        {"init_from", backbone.string()},
        {"data", {{"source", "cifar10"}, {"folder", "cifar-10-batches-bin"}, {"validation_fraction", 0.25}}},
        {"model", {{"type", "resnet18"}}},
        {"train",
         {{"epochs", 1},
          {"batch_size", 12},
          {"lr", 0.01},
          {"freeze", {{"layers", {"conv1", "bn1", "layer1", "layer2", "layer3"}}}}}}};
    const QString path = dir.filePath("experiment.json");
    std::ofstream(path.toStdString()) << experiment.dump(2);
    const Experiment e = load_experiment(path.toStdString());
    QVERIFY(e.data.normalize_mean == (std::vector<double>{0.485, 0.456, 0.406}));  // ImageNet's, by default
    const fs::path run = dir.filePath("runs/backbone").toStdString();
    ExperimentRun(e, run).train();

    const Json report = Json::parse(read_file(run / "report.json"));
    const auto not_loaded = report["transfer"]["not_loaded"].dump();
    QCOMPARE(report["transfer"]["not_loaded"].size(), std::size_t{2});
    QVERIFY2(not_loaded.find("fc.weight [1000, 512] (the backbone's 1000-class head; this model's is [10, 512])") !=
                 std::string::npos,
             not_loaded.c_str());
    QCOMPARE(report["transfer"]["tensors_loaded"].get<std::size_t>(), tensors.size() - 2);
    const auto loaded = [&](const std::string& layer, const std::string& name) {
      return tensor_in(run / "model/model.pt", layer, name);
    };
    const auto original = [&](const std::string& name) {
      for (const auto& [n, t] : tensors)
        if (n == name) return t;
      return torch::Tensor();
    };
    QVERIFY(torch::equal(loaded("conv1", "weight"), original("conv1.weight")));
    // Frozen batch norms kept the backbone's statistics; a trained one's moved with the new data.
    QVERIFY(torch::equal(loaded("bn1", "running_mean"), original("bn1.running_mean")));
    QVERIFY(torch::equal(loaded("layer3.1.bn2", "running_var"), original("layer3.1.bn2.running_var")));
    QVERIFY(!torch::equal(loaded("layer4.1.bn2", "running_mean"), original("layer4.1.bn2.running_mean")));
    QVERIFY(!torch::equal(loaded("layer4.1.conv2", "weight"), original("layer4.1.conv2.weight")));

    // A backbone of another architecture than model.type: refused naming both, before the run folder exists.
    Experiment other = e;
    other.model.type = "resnet34";
    try {
      ExperimentRun(other, dir.filePath("runs/other").toStdString()).train();
      QFAIL("a resnet18 backbone was accepted for model.type resnet34");
    } catch (const ConfigError& error) {
      QVERIFY2(std::string(error.what()).find("holds a resnet18") != std::string::npos, error.what());
    }
    QVERIFY(!fs::exists(dir.filePath("runs/other").toStdString()));
  }

  void layerRatesBecomeOptimizerGroups() {
    torch::nn::Sequential net;
    net->push_back("conv1", torch::nn::Linear(4, 4));
    net->push_back("out", torch::nn::Linear(4, 2));
    TrainSpec spec;
    spec.lr = 0.1;
    spec.weight_decay = 0.01;  // decayed and undecayed groups for each rate
    spec.layer_lr = {LayerRateSpec{{"conv*"}, 0.1}};
    auto optimizer = make_optimizer(spec, net->named_parameters());
    const auto scales = learning_rate_scales(*optimizer, spec.lr);
    QCOMPARE(scales.size(), std::size_t(4));
    set_learning_rate(*optimizer, 0.5, scales);
    for (std::size_t g = 0; g < 4; ++g) {
      const auto& group = optimizer->param_groups()[g];
      const bool conv = group.params().front().is_same(net[0]->named_parameters()["weight"]) ||
                        group.params().front().is_same(net[0]->named_parameters()["bias"]);
      QVERIFY(std::abs(group.options().get_lr() - (conv ? 0.05 : 0.5)) < 1e-12);
    }
  }

  void aPatternThatNamesNoLayerFailsFirst() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 16, 8);
    const auto experiment = load_experiment(
        write_quadrant_experiment(dir.path(), R"({"train": {"freeze": {"layers": ["conv*"]}}})").toStdString());
    const fs::path run = dir.filePath("runs/typo").toStdString();
    try {
      ExperimentRun make(experiment, run);
      QFAIL("a freeze pattern matching nothing was accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what())
                   .contains("train.freeze.layers: \"conv*\" matches no layer of the model (its layers: flatten, fc1"),
               error.what());
    }
    QVERIFY(!fs::exists(run));
    QVERIFY_THROWS_EXCEPTION(
        ConfigError,
        load_experiment(
            write_quadrant_experiment(dir.path(), R"({"train": {"freeze": {"layers": []}}})").toStdString()));
    QVERIFY_THROWS_EXCEPTION(
        ConfigError, load_experiment(write_quadrant_experiment(
                                         dir.path(), R"({"train": {"layer_lr": [{"layers": ["fc1"], "scale": 0}]}})")
                                         .toStdString()));
  }
};

CRADLE_REGISTER_TEST(TransferTest);

}  // namespace cradle::test

#include "transfer_test.moc"
