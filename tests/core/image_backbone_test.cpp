// ImageNet backbones (core/hub/image_backbone.h, core/models/imagenet_resnet.h,
// core/models/mobilenet_v2.h): torchvision's own ResNet-18, -34, -50 and
// MobileNetV2 (Debian's python3-torchvision, tests/reference/
// torchvision_backbone_reference.py) with random weights and calibrated
// batch-norm statistics, saved in torchvision's names, give the same logits in
// Cradle within 1e-4 at batch 1 and 7, in evaluation and in training mode
// (batch statistics, and the running statistics they leave). Built from
// scratch the architectures have torchvision's published parameter counts and
// FLOPs. Broken folders are refused naming the file and the tensor.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <fstream>

#include "core/common/error.h"
#include "core/export/bundle_prediction.h"
#include "core/export/model_folder_bundle.h"
#include "core/export/onnx_export.h"
#include "core/export/onnx_runtime_check.h"
#include "core/export/safetensors.h"
#include "core/hub/image_backbone.h"
#include "core/models/mobilenet_v2.h"
#include "core/models/model_factory.h"
#include "core/models/model_inspection.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

constexpr int kPictureSize = 112;

std::map<std::string, torch::Tensor> read_named(const fs::path& file) {
  auto read = read_safetensors(file);
  return {read.tensors.begin(), read.tensors.end()};
}

// The largest difference, relative to the reference's scale where that is above 1.
double mismatch(const torch::Tensor& ours, const torch::Tensor& reference) {
  const double scale = std::max(1.0, reference.abs().max().item<double>());
  return (ours - reference).abs().max().item<double>() / scale;
}

// The classifier's dropout off, as the reference has it in training mode.
void train_without_dropout(torch::nn::Sequential& model) {
  model->train();
  for (auto& module : model->modules(false))
    if (module->name().find("FastDropout") != std::string::npos) module->eval();
}

std::string refusal_of(const fs::path& folder) {
  try {
    load_image_backbone(read_image_backbone(folder));
  } catch (const Error& e) {
    return e.what();
  }
  return "(accepted)";
}

bool says(const std::string& message, std::initializer_list<const char*> parts) {
  for (const char* part : parts)
    if (message.find(part) == std::string::npos) return false;
  return true;
}

}  // namespace

class ImageBackboneTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QProcess python;
    python.start("/usr/bin/python3", {QString(CRADLE_SOURCE_DIR) + "/tests/reference/torchvision_backbone_reference.py",
                                      dir_.path(), QString::number(kPictureSize)});
    QVERIFY2(python.waitForFinished(300000) && python.exitCode() == 0, python.readAllStandardError().constData());
  }

  void logitsMatchTorchvision_data() {
    QTest::addColumn<QString>("architecture");
    for (const char* a : {"resnet18", "resnet34", "resnet50", "mobilenet_v2"}) QTest::newRow(a) << a;
  }

  void logitsMatchTorchvision() {
    QFETCH(QString, architecture);
    const fs::path root = dir_.path().toStdString();
    const auto pictures = read_named(root / "pictures.safetensors").at("pictures");
    auto reference = read_named(root / (architecture.toStdString() + "-logits.safetensors"));
    const ImageBackbone backbone = read_image_backbone(root / architecture.toStdString());
    QCOMPARE(QString::fromStdString(backbone.type), architecture);
    QCOMPARE(backbone.num_classes, std::int64_t{1000});
    QCOMPARE(QString::fromStdString(backbone.stored_dtype), QString("F32"));
    torch::NoGradGuard no_grad;
    for (const std::int64_t batch : {1, 7}) {
      const auto images = pictures.slice(0, 0, batch);
      auto model = load_image_backbone(backbone);
      const double eval = mismatch(model->forward(images), reference.at("eval_" + std::to_string(batch)));
      train_without_dropout(model);
      const double train = mismatch(model->forward(images), reference.at("train_" + std::to_string(batch)));
      qInfo("%s batch %d: largest difference %.2g (evaluation), %.2g (training)", qPrintable(architecture),
            static_cast<int>(batch), eval, train);
      QVERIFY2(eval <= 1e-4, qPrintable(QString::number(eval)));
      QVERIFY2(train <= 1e-4, qPrintable(QString::number(train)));
      if (batch != 7) continue;
      // The running statistics training mode leaves (momentum 0.1, unbiased variance).
      const auto buffers = model->named_buffers();
      int compared = 0;
      for (const auto& [name, expected] : reference) {
        if (name.rfind("after_train_7.", 0) != 0) continue;
        const auto* ours = buffers.find(name.substr(14));
        QVERIFY2(ours != nullptr, name.c_str());
        QVERIFY2(mismatch(*ours, expected) <= 1e-5, name.c_str());
        ++compared;
      }
      QCOMPARE(compared, 6);
    }
  }

  void configIsRead() {
    const ImageBackbone backbone = read_image_backbone(fs::path(dir_.path().toStdString()) / "resnet18");
    QCOMPARE(backbone.label_names.size(), std::size_t{1000});
    QCOMPARE(QString::fromStdString(backbone.label_names[7]), QString("class 7"));
    QVERIFY(backbone.input_size == (std::vector<std::int64_t>{3, kPictureSize, kPictureSize}));
    QCOMPARE(backbone.crop_fraction, 0.95);
    QVERIFY(backbone.mean == kImageNetMean);
    QVERIFY(is_image_backbone_folder(fs::path(dir_.path().toStdString()) / "resnet18"));
    QVERIFY(is_image_backbone_folder(fs::path(dir_.path().toStdString()) / "mobilenet_v2"));  // no config.json
  }

  // The folder opened where a bundle is (cradle-cli predict and serve, the Model tab): a photo decoded at its
  // config's input size / crop_pct, the centre cut out and normalised, gets torchvision's probabilities.
  void opensAsABundleAndPredictsAPhoto() {
    const fs::path root = dir_.path().toStdString();
    ModelBundle bundle = open_bundle_or_model_folder(root / "resnet18");
    QCOMPARE(QString::fromStdString(bundle.input.kind), QString("image"));
    QVERIFY(bundle.input.shape == (std::vector<std::int64_t>{3, kPictureSize, kPictureSize}));
    QVERIFY(bundle.input.decoded_size == (std::vector<std::int64_t>{118, 118}));  // 112 / 0.95
    QCOMPARE(QString::fromStdString(bundle.manifest["architecture"].get<std::string>()), QString("resnet18"));
    const auto expected = read_named(root / "resnet18-logits.safetensors").at("photo_probabilities");
    const auto predictions = predict_images(bundle, {root / "photo.png"}, 3);
    QCOMPARE(predictions.size(), std::size_t{1});
    QVERIFY2(predictions[0].error.empty(), predictions[0].error.c_str());
    const auto [values, indices] = expected.topk(3);
    for (std::int64_t k = 0; k < 3; ++k) {
      const auto& got = predictions[0].top.at(static_cast<std::size_t>(k));
      QCOMPARE(QString::fromStdString(got.label), QString("class %1").arg(indices[k].item<std::int64_t>()));
      QVERIFY2(std::abs(got.probability - values[k].item<double>()) <= 1e-4, qPrintable(QString::number(k)));
    }
    // Without a config.json the classes are their indices, the input ImageNet's 224 of 256.
    ModelBundle plain = open_bundle_or_model_folder(root / "mobilenet_v2");
    QCOMPARE(QString::fromStdString(plain.class_names.at(7)), QString("7"));
    QVERIFY(plain.input.decoded_size == (std::vector<std::int64_t>{256, 256}));
    QVERIFY(plain.input.shape == (std::vector<std::int64_t>{3, 224, 224}));
  }

  // Exported to ONNX, each architecture computes in ONNX Runtime (and the ResNets in OpenCV's DNN module) what it
  // computes in LibTorch, within 1e-4, on the pictures.
  void exportsToOnnx_data() {
    QTest::addColumn<QString>("architecture");
    for (const char* a : {"resnet18", "resnet50", "mobilenet_v2"}) QTest::newRow(a) << a;
  }

  void exportsToOnnx() {
    QFETCH(QString, architecture);
    const fs::path root = dir_.path().toStdString();
    auto model = load_image_backbone(read_image_backbone(root / architecture.toStdString()));
    const auto pictures = read_named(root / "pictures.safetensors").at("pictures").slice(0, 0, 3);
    const auto graph = export_onnx(model, {3, kPictureSize, kPictureSize}, architecture.toStdString());
    std::vector<OnnxRuntimeCheck> checks = {check_onnx_with_onnxruntime(graph, model, {pictures})};
    if (architecture == "mobilenet_v2")  // OpenCV 4.6 reads Clip's bounds only as attributes (before opset 11)
      QVERIFY_THROWS_EXCEPTION(OnnxRuntimeUnable, check_onnx_with_opencv(graph, model, pictures));
    else
      checks.push_back(check_onnx_with_opencv(graph, model, pictures));
    for (const auto& check : checks) {
      qInfo("%s in %s: largest difference %.2g", qPrintable(architecture), check.runtime.c_str(),
            check.max_abs_difference);
      QVERIFY2(check.passed && check.max_abs_difference < 1e-4, check.runtime.c_str());
      QCOMPARE(check.samples, std::int64_t{3});
    }
  }

  // torchvision's documented sizes: parameters of the 1000-class models, and
  // GFLOPS (multiply-adds) at 224x224, which Cradle counts twice (a multiply-add is 2 FLOPs).
  void fromScratchTheArchitecturesHaveTheirPublishedSizes_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<qint64>("parameters");
    QTest::addColumn<double>("gflops");
    QTest::newRow("resnet18") << "resnet18" << qint64{11689512} << 1.81;
    QTest::newRow("resnet34") << "resnet34" << qint64{21797672} << 3.66;
    QTest::newRow("resnet50") << "resnet50" << qint64{25557032} << 4.09;
    QTest::newRow("mobilenet_v2") << "mobilenet_v2" << qint64{3504872} << 0.30;
  }

  void fromScratchTheArchitecturesHaveTheirPublishedSizes() {
    QFETCH(QString, type);
    QFETCH(qint64, parameters);
    QFETCH(double, gflops);
    ModelSpec spec;
    spec.type = type.toStdString();
    auto model = build_model(spec, {3, 224, 224}, 1000, {});
    const ModelSummary summary = summarize_model(model, {3, 224, 224});
    QCOMPARE(static_cast<qint64>(summary.total_parameters), parameters);
    const double counted = static_cast<double>(summary.flops) / 2e9;
    qInfo("%s: %.3f GFLOPS (multiply-adds), torchvision says %.2f", qPrintable(type), counted, gflops);
    QVERIFY2(std::abs(counted - gflops) <= 0.03 * gflops, qPrintable(QString::number(counted)));
    QCOMPARE(summary.layers.back().output_shape, (std::vector<std::int64_t>{1000}));
  }

  void aTrainingStepRuns() {
    ModelSpec spec;
    spec.type = "resnet18";
    auto model = build_model(spec, {3, 64, 64}, 4, {});
    torch::optim::SGD optimizer(model->parameters(), 0.01);
    const auto images = torch::randn({4, 3, 64, 64}), labels = torch::tensor({0, 1, 2, 3});
    model->train();
    const auto loss = torch::cross_entropy_loss(model->forward(images), labels);
    loss.backward();
    optimizer.step();
    QVERIFY(model->named_parameters()["layer4.1.conv2.weight"].grad().abs().sum().item<double>() > 0);
    const auto refused = [&](const std::vector<std::int64_t>& input_shape) {
      try {
        build_model(spec, input_shape, 4, {});
      } catch (const ConfigError& e) {
        return std::string(e.what());
      }
      return std::string("(accepted)");
    };
    QVERIFY(says(refused({3, 16, 16}), {"model.type", "16x16", "too small"}));  // shrunk 32 times
    QVERIFY(says(refused({784}), {"model.type", "needs images"}));
  }

  void brokenFoldersAreRefusedNamingFileAndTensor() {
    const fs::path root = fs::path(dir_.path().toStdString()) / "broken";
    auto built = build_mobilenet_v2(3, 5);
    NamedTensors good;  // as torchvision's state_dict: parameters and batch-norm statistics
    for (const auto& p : built->named_parameters()) good.emplace_back(p.key(), p.value());
    for (const auto& b : built->named_buffers()) good.emplace_back(b.key(), b.value());
    const auto write = [&](const std::string& name, const NamedTensors& tensors) {
      fs::create_directories(root / name);
      write_safetensors(root / name / "model.safetensors", tensors);
      return root / name;
    };
    const auto changed = [&](const std::string& tensor, const torch::Tensor& value) {
      NamedTensors t = good;
      for (auto& [name, v] : t)
        if (name == tensor) v = value;
      return t;
    };
    QCOMPARE(refusal_of(write("good", good)), std::string("(accepted)"));

    fs::create_directories(root / "no-weights");
    QVERIFY(says(refusal_of(root / "no-weights"), {"no-weights", "no model.safetensors"}));
    QVERIFY(says(refusal_of(root / "nowhere"), {"nowhere", "no such folder"}));

    const auto wrong_shape = write("wrong-shape", changed("features.2.conv.1.0.weight", torch::zeros({96, 1, 5, 5})));
    QVERIFY(says(refusal_of(wrong_shape),
                 {"model.safetensors", "features.2.conv.1.0.weight", "[96, 1, 5, 5]", "[96, 1, 3, 3]"}));
    const auto wrong_dtype =
        write("wrong-dtype", changed("features.0.0.weight", torch::zeros({32, 3, 3, 3}, torch::kInt32)));
    QVERIFY(says(refusal_of(wrong_dtype), {"features.0.0.weight", "I32"}));

    const auto one_class = write("one-class", changed("classifier.1.weight", torch::zeros({1, 1280})));
    QVERIFY(says(refusal_of(one_class), {"classifier.1.weight", "at least 2 classes"}));

    NamedTensors missing = good;
    missing.erase(missing.begin() + 5);
    QVERIFY(says(refusal_of(write("missing", missing)), {good[5].first.c_str(), "missing"}));

    NamedTensors extra = good;
    extra.emplace_back("features.19.0.weight", torch::zeros({4}));
    QVERIFY(says(refusal_of(write("extra", extra)), {"features.19.0.weight", "no place"}));

    const auto other = write("other-layout", {{"encoder.stem.weight", torch::zeros({4})}});
    QVERIFY(says(refusal_of(other), {"encoder.stem.weight", "torchvision"}));

    const auto truncated = write("truncated", good);
    fs::resize_file(truncated / "model.safetensors", fs::file_size(truncated / "model.safetensors") - 100);
    QVERIFY(says(refusal_of(truncated), {"truncated", "model.safetensors"}));

    const auto disagreeing = write("disagreeing", good);
    std::ofstream(disagreeing / "config.json") << R"({"architecture": "resnet18", "num_classes": 5})";
    QVERIFY(says(refusal_of(disagreeing), {"config.json", "resnet18", "mobilenet_v2"}));
    std::ofstream(disagreeing / "config.json") << R"({"architecture": "mobilenet_v2", "num_classes": 7})";
    QVERIFY(says(refusal_of(disagreeing), {"config.json", "num_classes 7", "5 rows"}));
  }

 private:
  QTemporaryDir dir_;
};

CRADLE_REGISTER_TEST(ImageBackboneTest);

}  // namespace cradle::test

#include "image_backbone_test.moc"
