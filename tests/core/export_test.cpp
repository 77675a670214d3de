// Handing a model over: safetensors files as Hugging Face lays them out, model
// bundles that predict after being moved, the model card.
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/png_encoder.h"
#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"
#include "core/export/bundle_archive.h"
#include "core/export/bundle_prediction.h"
#include "core/export/model_bundle.h"
#include "core/export/onnx_export.h"
#include "core/export/onnx_runtime_check.h"
#include "core/export/safetensors.h"
#include "core/models/model_factory.h"
#include "core/run/experiment_run.h"
#include "core/run/run_weights.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

std::string data_error(const std::string& bytes) {
  try {
    parse_safetensors(bytes, "x.safetensors");
  } catch (const DataError& error) {
    return error.what();
  }
  return "accepted";
}

// A safetensors file from a header object and data bytes, as another tool would write it.
std::string safetensors_bytes(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const std::uint64_t length = header.size();
  std::memcpy(out.data(), &length, 8);  // little-endian on this machine, as the format requires
  return out + header + data;
}

}  // namespace

class ExportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void safetensorsRoundTripsWithHuggingFacesLayout() {
    QTemporaryDir dir;
    const fs::path file = dir.filePath("model.safetensors").toStdString();
    const auto weight = torch::arange(6, torch::kFloat32).reshape({2, 3});
    const auto steps = torch::tensor({7, -8}, torch::kInt64);
    const auto empty = torch::empty({0, 4}, torch::kBFloat16);
    write_safetensors(file, {{"layer.weight", weight}, {"steps", steps}, {"empty", empty}}, {{"format", "pt"}});
    const std::string bytes = read_file(file);
    std::uint64_t length = 0;
    std::memcpy(&length, bytes.data(), 8);
    QCOMPARE(length % 8, std::uint64_t(0));  // the data starts 8-byte aligned
    const Json header = Json::parse(bytes.substr(8, length));
    QCOMPARE(header["__metadata__"]["format"].get<std::string>(), std::string("pt"));
    QCOMPARE(header["layer.weight"]["dtype"].get<std::string>(), std::string("F32"));
    QCOMPARE(header["layer.weight"]["shape"].dump(), std::string("[2,3]"));
    QCOMPARE(header["layer.weight"]["data_offsets"].dump(), std::string("[0,24]"));
    QCOMPARE(header["steps"]["data_offsets"].dump(), std::string("[24,40]"));
    QCOMPARE(bytes.size(), 8 + length + 40);
    float third = 0;
    std::memcpy(&third, bytes.data() + 8 + length + 8, 4);  // row-major: element [0][2]
    QCOMPARE(third, 2.0f);
    const auto back = read_safetensors(file);
    QCOMPARE(back.tensors.size(), size_t(3));
    QVERIFY(torch::equal(back.tensors[0].second, weight));
    QVERIFY(torch::equal(back.tensors[1].second, steps));
    QCOMPARE(back.tensors[2].second.sizes(), empty.sizes());
    QCOMPARE(back.metadata.at("format"), std::string("pt"));
  }

  void safetensorsAreReadFromAMappingThatWritesLeaveAlone() {
    // Three bfloat16 values put the float32 tensor after them 6 bytes into the data (safetensors
    // does not pad): read right all the same. A tensor changed in place changes the process's copy
    // of the page, not the file, and tensors outlive the SafetensorsFile they came in.
    QTemporaryDir dir;
    const fs::path file = dir.filePath("model.safetensors").toStdString();
    const auto odd = torch::tensor({1.5f, -2.0f, 3.25f}).to(torch::kBFloat16);
    const auto weight = torch::arange(8, torch::kFloat32).reshape({2, 4});
    write_safetensors(file, {{"odd", odd}, {"weight", weight}});
    const std::string before = read_file(file);
    torch::Tensor kept;
    {
      const auto back = read_safetensors(file);
      QVERIFY(torch::equal(back.tensors[0].second, odd));
      QVERIFY(torch::equal(back.tensors[1].second, weight));
      kept = back.tensors[1].second;
      back.tensors[0].second.mul_(2);
      kept.add_(1);
    }
    QVERIFY(torch::equal(kept, weight + 1));
    QCOMPARE(read_file(file), before);
    QVERIFY(torch::equal(read_safetensors(file).tensors[1].second, weight));
    // An empty file is refused by the header's check, not by the mapping.
    write_text_atomically(file, "");
    try {
      read_safetensors(file);
      QFAIL("an empty file was read");
    } catch (const DataError& error) {
      QVERIFY2(std::string(error.what()).find("0 bytes") != std::string::npos, error.what());
    }
  }

  void malformedSafetensorsAreRefusedNamingTheFault() {
    const std::string f32 = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    QCOMPARE(data_error(safetensors_bytes(f32, std::string(8, '\0'))), std::string("accepted"));
    QVERIFY(data_error("abc").find("shorter than the 8-byte header length") != std::string::npos);
    QVERIFY(data_error(safetensors_bytes(f32, std::string(8, '\0')).substr(0, 20)).find("runs past the end") !=
            std::string::npos);
    QVERIFY(data_error(safetensors_bytes("{\"a\":", "")).find("not valid JSON") != std::string::npos);
    QVERIFY(data_error(safetensors_bytes(R"({"a":{"dtype":"F8","shape":[2],"data_offsets":[0,2]}})", "ab"))
                .find("unknown dtype \"F8\"") != std::string::npos);
    QVERIFY(
        data_error(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, '\0')))
            .find("needs 12 bytes, data_offsets give 8") != std::string::npos);
    QVERIFY(
        data_error(
            safetensors_bytes(
                R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}})",
                "abc"))
            .find("overlaps or leaves a gap") != std::string::npos);
    QVERIFY(data_error(safetensors_bytes(f32, std::string(9, '\0'))).find("1 data bytes after the last tensor") !=
            std::string::npos);
  }

  // A bundle moved to another folder alone predicts what the run's model predicts.
  void aMovedBundlePredictsImagesAsTheRunDid() {
    QTemporaryDir dir;
    write_quadrant_dataset(dir.path(), 200, 20);
    const fs::path root = dir.path().toStdString();
    const Experiment e =
        load_experiment(write_quadrant_experiment(dir.path(), R"({"train":{"epochs":3}})").toStdString());
    ExperimentRun(e, root / "run").train();
    const Json manifest = export_bundle(root / "run", root / "bundle", /*onnx=*/true);
    // OpenCV's DNN module and ONNX Runtime both ran the graph on the 20 test images and agree with LibTorch.
    const Json& checks = manifest["onnx"]["runtime_checks"];
    QCOMPARE(checks.size(), std::size_t(2));
    QVERIFY(checks[0]["runtime"].get<std::string>().rfind("OpenCV DNN", 0) == 0);
    QVERIFY(checks[1]["runtime"].get<std::string>().rfind("ONNX Runtime", 0) == 0);
    for (const auto& check : checks) {
      QVERIFY(check["max_abs_difference"].get<double>() < 1e-4);
      QCOMPARE(check["samples"].get<std::int64_t>(), std::int64_t(20));
    }
    QCOMPARE(manifest["input"]["kind"].get<std::string>(), std::string("image"));
    QCOMPARE(manifest["input"]["shape"].dump(), std::string("[1,8,8]"));
    fs::rename(root / "bundle", root / "moved");
    export_bundle(root / "run", root / "model.cradle");  // the one-file form, read further down
    fs::remove_all(root / "run");                        // nothing of the run is left to lean on
    QVERIFY(fs::exists(root / "moved" / "MODEL_CARD.md"));
    QVERIFY(fs::file_size(root / "moved" / "model" / "model.onnx") > 1000);
    QVERIFY(read_file(root / "moved" / "MODEL_CARD.md").find("## Metrics (test split)") != std::string::npos);

    ModelBundle bundle = open_bundle(root / "moved");
    // The test images as PNG files, and what the model says about the same pixels as tensors.
    const ClassificationData data = load_classification_data(e, SplitsToLoad::TestOnly);
    std::vector<fs::path> files;
    for (int i = 0; i < 4; ++i) {
      const auto pixels = (data.test.inputs[i][0] * data.normalize_std[0] + data.normalize_mean[0])
                              .mul(255)
                              .round()
                              .to(torch::kUInt8)
                              .contiguous();
      files.push_back(root / ("image" + std::to_string(i) + ".png"));
      write_text_atomically(files.back(), encode_png(pixels.data_ptr<std::uint8_t>(), 8, 8, 1));
    }
    files.push_back(root / "missing.png");
    const auto predictions = predict_images(bundle, files, 2);
    QCOMPARE(predictions.size(), size_t(5));
    torch::NoGradGuard no_grad;
    const auto expected = torch::softmax(bundle.model->forward(data.test.inputs.slice(0, 0, 4)), 1);
    for (int i = 0; i < 4; ++i) {
      const auto& p = predictions[static_cast<std::size_t>(i)];
      QVERIFY2(p.error.empty(), p.error.c_str());
      QCOMPARE(p.top.size(), size_t(2));
      const auto best = expected[i].argmax().item<std::int64_t>();
      QCOMPARE(p.top[0].label, bundle.class_names[static_cast<std::size_t>(best)]);
      QVERIFY(std::abs(p.top[0].probability - expected[i][best].item<double>()) < 1e-5);
    }
    QVERIFY(predictions[4].error.find("missing.png: no such file") != std::string::npos);
    {  // The .cradle file predicts the same, and leaves no unpacked folder behind.
      ModelBundle packed = open_bundle(root / "model.cradle");
      const fs::path unpacked = packed.dir;
      QVERIFY(fs::exists(unpacked / "bundle.json"));
      const auto again = predict_images(packed, {files[0]}, 1);
      QCOMPARE(again[0].top[0].label, predictions[0].top[0].label);
      QVERIFY(std::abs(again[0].top[0].probability - predictions[0].top[0].probability) < 1e-9);
      packed = ModelBundle{};
      QVERIFY(!fs::exists(unpacked));
    }
    const Json json = prediction_to_json(predictions[0]);
    QCOMPARE(json["label"].get<std::string>(), predictions[0].top[0].label);
    // The safetensors file holds the same weights as model.pt.
    const auto tensors = read_safetensors(root / "moved" / "model" / "model.safetensors");
    const auto parameters = bundle.model->named_parameters();
    for (const auto& [name, tensor] : tensors.tensors)
      if (parameters.contains(name)) QVERIFY(torch::equal(tensor, parameters[name]));
  }

  // The exported graphs, run by OpenCV's DNN module (not LibTorch), give LibTorch's outputs, at any batch size.
  void onnxGraphsMatchLibTorchInAnIndependentRuntime() {
    struct Case {
      const char* type;
      const char* activation;
      bool batch_norm;
      const char* pool;
    };
    for (const Case c :
         {Case{"mlp", "relu", true, "max"}, Case{"mlp", "gelu", false, "max"}, Case{"cnn", "relu", true, "max"},
          Case{"cnn", "tanh", false, "avg"}, Case{"cnn", "sigmoid", true, "none"},
          Case{"mlp", "relu", false, "layer_norm"}, Case{"resnet", "relu", true, "none"}}) {
      ModelSpec spec;
      spec.type = c.type;
      spec.activation = c.activation;
      spec.batch_norm = c.batch_norm;
      spec.pool = c.pool == std::string("layer_norm") ? "max" : c.pool;
      spec.layer_norm = c.pool == std::string("layer_norm");
      spec.conv_channels = {4, 8};
      spec.widths = {4, 8};  // resnet: a stage of identity blocks, then one that halves the size through a projection
      spec.blocks = {2, 1};
      spec.hidden = {16};
      spec.dropout = 0.2;
      torch::manual_seed(11);
      auto model = build_model(spec, {1, 8, 8}, 4, {});
      {  // BatchNorm's running statistics away from their initial 0 and 1
        torch::NoGradGuard no_grad;
        model->train();
        for (int i = 0; i < 5; ++i) model->forward(torch::randn({16, 1, 8, 8}) * 2 + 1);
      }
      const auto graph = export_onnx(model, {1, 8, 8}, "case");
      QVERIFY(graph.nodes > 2);
      for (const std::int64_t batch : {1, 7}) {  // the batch axis is dynamic
        const auto inputs = torch::randn({batch, 1, 8, 8});
        std::vector<OnnxRuntimeCheck> checks = {check_onnx_with_onnxruntime(graph, model, {inputs})};
        if (spec.layer_norm)  // OpenCV 4.6 cannot broadcast LayerNorm's arithmetic, and says so
          QVERIFY_THROWS_EXCEPTION(OnnxRuntimeUnable, check_onnx_with_opencv(graph, model, inputs));
        else
          checks.push_back(check_onnx_with_opencv(graph, model, inputs));
        for (const auto& check : checks) {
          const QString label = QString("%1/%2/%3/batch %4: %5")
                                    .arg(c.type, c.activation, check.runtime.c_str())
                                    .arg(batch)
                                    .arg(check.max_abs_difference);
          QVERIFY2(check.passed && check.max_abs_difference < 1e-4, qPrintable(label));
          QCOMPARE(check.samples, batch);
        }
      }
    }
    // A layer the exporter cannot express is refused by name.
    torch::nn::Sequential unsupported(torch::nn::Flatten(), torch::nn::Linear(64, 8), torch::nn::Softplus());
    try {
      export_onnx(unsupported, {1, 8, 8}, "bad");
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(std::string(error.what()).find("layer \"2\" (torch::nn::Softplus)") != std::string::npos, error.what());
    }
  }

  // Token models (GPT with learned or rotary positions, tied or not; LSTM, GRU
  // and RNN stacks) run in ONNX Runtime as in LibTorch, at any batch size and
  // sequence length up to the context.
  void onnxTokenModelsMatchLibTorchInOnnxRuntime() {
    QVERIFY2(find_onnxruntime_node(), "ONNX Runtime is not installed: run scripts/install-deps.sh");
    struct Case {
      const char* type;
      const char* position;
      bool tie;
      std::int64_t layers;
    };
    const std::int64_t context = 12, vocabulary = 40;
    for (const Case c : {Case{"gpt", "learned", true, 2}, Case{"gpt", "rotary", false, 1}, Case{"lstm", "", false, 2},
                         Case{"gru", "", false, 2}, Case{"rnn", "", false, 1}}) {
      ModelSpec spec;
      spec.type = c.type;
      spec.position = c.position;
      spec.tie_weights = c.tie;
      spec.layers = c.layers;
      spec.width = 16;
      spec.heads = 2;
      spec.embedding_size = 8;
      spec.hidden_size = 12;
      spec.dropout = 0.1;
      torch::manual_seed(5);
      auto model = build_model(spec, {context}, vocabulary, {});
      const auto graph = export_onnx(model, {context}, "case", /*token_input=*/true);
      QCOMPARE(graph.input_name, std::string("input_ids"));
      const std::vector<torch::Tensor> batches = {torch::randint(vocabulary, {3, context}, torch::kInt64),
                                                  torch::randint(vocabulary, {1, 5}, torch::kInt64),
                                                  torch::randint(vocabulary, {2, 1}, torch::kInt64)};
      const auto check = check_onnx_with_onnxruntime(graph, model, batches);
      const QString label =
          QString("%1 %2: %3 (%4)").arg(c.type, c.position).arg(check.max_abs_difference).arg(check.runtime.c_str());
      QVERIFY2(check.passed && check.max_abs_difference < 1e-4, qPrintable(label));
      QCOMPARE(check.samples, std::int64_t(6));
      // OpenCV's DNN module cannot run them, and says so rather than disagreeing.
      QVERIFY_THROWS_EXCEPTION(OnnxRuntimeUnable, check_onnx_with_opencv(graph, model, batches[0].to(torch::kFloat32)));
    }
    // A graph ONNX Runtime disagrees with is reported as such: the same graph checked against other weights.
    ModelSpec spec;
    spec.type = "gru";
    spec.layers = 1;
    spec.embedding_size = 8;
    spec.hidden_size = 12;
    auto model = build_model(spec, {context}, vocabulary, {});
    const auto graph = export_onnx(model, {context}, "case", true);
    auto other = build_model(spec, {context}, vocabulary, {});
    const auto check =
        check_onnx_with_onnxruntime(graph, other, {torch::randint(vocabulary, {2, context}, torch::kInt64)});
    QVERIFY(!check.passed && check.max_abs_difference > 1e-3);
  }

  // One .cradle file: a zip that unpacks to the folder, opened (and cleaned up) by open_bundle.
  void aCradleFileHoldsTheBundle() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "folder" / "model");
    write_text_atomically(root / "folder" / "bundle.json", "{}");
    write_text_atomically(root / "folder" / "model" / "weights.bin", std::string("\0\1\2binary\xff", 11));
    pack_bundle(root / "folder", root / "one.cradle");
    const std::string bytes = read_file(root / "one.cradle");
    const auto entries = read_zip_directory(bytes, "one.cradle");
    QCOMPARE(entries.size(), size_t(2));
    QCOMPARE(entries[1].name, std::string("model/weights.bin"));
    unpack_bundle(root / "one.cradle", root / "back");
    QCOMPARE(read_file(root / "back" / "model" / "weights.bin"), read_file(root / "folder" / "model" / "weights.bin"));
    // Damage: a flipped data byte fails the CRC; a cut file has no directory; an escaping name is refused.
    std::string flipped = bytes;
    flipped[static_cast<std::size_t>(entries[1].offset)] ^= 0x55;
    write_text_atomically(root / "flipped.cradle", flipped);
    try {
      unpack_bundle(root / "flipped.cradle", root / "never");
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(std::string(error.what()).find("\"model/weights.bin\" fails its CRC-32 check") != std::string::npos,
               error.what());
    }
    QVERIFY_THROWS_EXCEPTION(DataError,
                             read_zip_directory(std::string_view(bytes).substr(0, bytes.size() - 30), "cut"));
    std::string escaping = bytes;
    const auto at = escaping.rfind("model/weights.bin");  // the central directory's copy of the name
    escaping.replace(at, 6, "../../");
    try {
      read_zip_directory(escaping, "escaping.cradle");
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(std::string(error.what()).find("would leave the bundle's folder") != std::string::npos, error.what());
    }
  }

  void badBundlesSayWhatIsWrong() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    QVERIFY_THROWS_EXCEPTION(IoError, open_bundle(root));
    write_text_atomically(
        root / "bundle.json",
        R"({"format": "cradle-bundle", "format_version": 1, "input": {"kind": "sound", "shape": [1]}, "outputs": 2})");
    try {
      open_bundle(root);
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(std::string(error.what()).find("input.kind \"sound\"") != std::string::npos, error.what());
    }
    write_text_atomically(root / "bundle.json", R"({"format": "zip"})");
    QVERIFY_THROWS_EXCEPTION(DataError, open_bundle(root));
  }
};

CRADLE_REGISTER_TEST(ExportTest);

}  // namespace cradle::test

#include "export_test.moc"
