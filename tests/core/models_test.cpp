// The architectures: each model's shapes and parameter counts against
// hand-computed values, the transformer's causality, and a does-it-learn run
// on tiny data for LeNet-5, the ResNet and the GPT.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"
#include "core/models/batched_matmul.h"
#include "core/models/model_description.h"
#include "core/models/model_factory.h"
#include "core/models/model_inspection.h"
#include "core/models/model_summary.h"
#include "core/train/runtime.h"
#include "tests/core/train_to_test_accuracy.h"
#include "tests/support/synthetic_data.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {

ModelSpec model_spec(const std::string& json, Task task = Task::Classification) {
  const Json model = Json::parse(json);
  return parse_model_spec(JsonObjectReader(model, "model"), task);
}

const LayerRow& layer(const ModelSummary& summary, const std::string& name) {
  for (const auto& row : summary.layers)
    if (row.name == name) return row;
  throw std::runtime_error("no layer " + name);
}

using Shape = std::vector<std::int64_t>;

Experiment cifar_experiment(const QString& dir, const std::string& model_json) {
  write_cifar10_folder(dir + "/cifar", 100, 2, 60);
  Json doc = Json::parse(R"({"name": "c", "threads": 1, "seed": 3,
    "data": {"source": "cifar10", "folder": "cifar", "normalize": "auto"},
    "train": {"epochs": 6, "batch_size": 16, "lr": 0.003}})");
  doc["model"] = Json::parse(model_json);
  auto e = parse_experiment(doc);
  e.base_dir = dir.toStdString();
  return e;
}

}  // namespace

class ModelsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void lenet5HasTheClassicShapes() {
    torch::manual_seed(1);
    auto model = build_model(model_spec(R"({"type": "lenet5"})"), {1, 28, 28}, 10, {});
    const auto s = summarize_model(model, {1, 28, 28});
    QCOMPARE(layer(s, "conv1").output_shape, (Shape{6, 28, 28}));
    QCOMPARE(layer(s, "pool1").output_shape, (Shape{6, 14, 14}));
    QCOMPARE(layer(s, "conv2").output_shape, (Shape{16, 10, 10}));
    QCOMPARE(layer(s, "pool2").output_shape, (Shape{16, 5, 5}));
    QCOMPARE(layer(s, "fc1").output_shape, (Shape{120}));
    // 156 + 2,416 + 48,120 + 10,164 + 850: LeNet-5's 61,706.
    QCOMPARE(s.total_parameters, std::int64_t(61706));
    // Forward multiply-adds x 2: conv1 1*25*6*28*28, conv2 6*25*16*10*10, then 400*120, 120*84, 84*10.
    QCOMPARE(layer(s, "conv1").flops, std::int64_t(2 * 25 * 6 * 28 * 28));
    QCOMPARE(s.flops, std::int64_t(2 * (25 * 6 * 28 * 28 + 6 * 25 * 16 * 10 * 10 + 400 * 120 + 120 * 84 + 84 * 10)));
    QVERIFY(s.activations >= 6 * 28 * 28 * 2);  // at least conv1's output and its activation
    const std::string text = format_model_summary(s, 64);
    QVERIFY2(text.find("forward FLOPs per sample: 833.0 k (estimated)") != std::string::npos, text.c_str());
    QVERIFY2(text.find("training step of 64 samples: ") != std::string::npos, text.c_str());
  }

  void resnetStagesHalveAndProject() {
    torch::manual_seed(1);
    auto model = build_model(model_spec(R"({"type": "resnet", "widths": [16, 32, 64], "blocks": [3, 3, 3]})"),
                             {3, 32, 32}, 10, {});
    const auto s = summarize_model(model, {3, 32, 32});
    QCOMPARE(layer(s, "stage1_block3").output_shape, (Shape{16, 32, 32}));
    QCOMPARE(layer(s, "stage2_block1").output_shape, (Shape{32, 16, 16}));
    QCOMPARE(layer(s, "stage3_block3").output_shape, (Shape{64, 8, 8}));
    QCOMPARE(layer(s, "out").output_shape, (Shape{10}));
    // A projecting block: two 3x3 convolutions, a 1x1 projection, three batch norms (2 values per channel).
    QCOMPARE(layer(s, "stage2_block1").parameters, std::int64_t(16 * 32 * 9 + 32 * 32 * 9 + 16 * 32 + 3 * 64));
    QCOMPARE(layer(s, "stage2_block2").parameters, std::int64_t(2 * 32 * 32 * 9 + 2 * 64));  // identity skip
    QVERIFY(s.total_parameters > 270000 && s.total_parameters < 280000);                     // ResNet-20: "0.27M"
  }

  void cnnStrideAndPoolingOptions() {
    torch::manual_seed(1);
    const auto spec = model_spec(R"({"type": "cnn", "conv_channels": [8, 8], "stride": 2, "pool": "none", "hidden": [],
                                     "batch_norm": false})");
    auto model = build_model(spec, {1, 28, 28}, 10, {});
    const auto s = summarize_model(model, {1, 28, 28});
    QCOMPARE(layer(s, "conv1").output_shape, (Shape{8, 14, 14}));
    QCOMPARE(layer(s, "conv2").output_shape, (Shape{8, 7, 7}));
    auto avg = build_model(model_spec(R"({"type": "cnn", "conv_channels": [4], "pool": "avg"})"), {1, 8, 8}, 2, {});
    QCOMPARE(layer(summarize_model(avg, {1, 8, 8}), "pool1").kind, std::string("AvgPool2d"));
    // "valid" padding: 28 - 4 + 1 = 25, pooled 12 (rounded down); 12 - 4 + 1 = 9.
    auto valid =
        build_model(model_spec(R"({"type": "cnn", "conv_channels": [6, 16], "kernel_size": 4, "padding": "valid",
                                            "stride": 1, "conv_dropout": 0.25, "hidden": []})"),
                    {1, 28, 28}, 10, {});
    const auto v = summarize_model(valid, {1, 28, 28});
    QCOMPARE(layer(v, "conv1").output_shape, (Shape{6, 25, 25}));
    QCOMPARE(layer(v, "pool1").output_shape, (Shape{6, 12, 12}));
    QCOMPARE(layer(v, "conv2").output_shape, (Shape{16, 9, 9}));
    QCOMPARE(layer(v, "conv_dropout2").kind, std::string("Dropout2d"));
    QCOMPARE(layer(v, "out").output_shape, (Shape{10}));
    // Channel dropout zeroes whole feature maps in training and nothing in evaluation.
    valid->train();
    const auto maps = valid->ptr(5)->as<torch::nn::Dropout2d>()->forward(torch::ones({2, 8, 3, 3}));
    const auto per_map = maps.sum({2, 3});
    QVERIFY(
        ((per_map == 0) | ((per_map - 9 / 0.75).abs() < 1e-4)).all().item<bool>());  // kept maps scaled by 1 / (1 - p)
    QVERIFY((per_map == 0).any().item<bool>());
    QVERIFY_THROWS_EXCEPTION(ConfigError, model_spec(R"({"type": "cnn", "kernel_size": 4})"));
    QVERIFY_THROWS_EXCEPTION(ConfigError,
                             build_model(model_spec(R"({"type": "cnn", "conv_channels": [4, 4, 4], "kernel_size": 5,
                                                                    "padding": "valid"})"),
                                         {1, 12, 12}, 2, {}));
  }

  void cnnPoolsBeforeItsActivationWithTheSameResult() {
    // Max pooling commutes with relu, tanh and sigmoid: the model pools first (cheaper) and must
    // match the textbook order conv, norm, activation, pool in outputs and gradients.
    for (const char* activation : {"relu", "tanh"}) {
      torch::manual_seed(4);
      auto model = build_model(model_spec(std::string(R"({"type": "cnn", "conv_channels": [3], "hidden": [],
                                                          "activation": ")") +
                                          activation + "\"}"),
                               {1, 6, 6}, 2, {});
      const auto s = summarize_model(model, {1, 6, 6});
      QCOMPARE(s.layers.at(3).name, std::string("pool1"));
      QCOMPARE(s.layers.at(4).name, std::string("conv_act1"));
      model->train();
      const auto x = torch::randn({4, 1, 6, 6}).requires_grad_();
      const auto y = model->forward(x);
      y.sum().backward();
      const auto pooled_first = x.grad().clone();
      x.mutable_grad() = torch::Tensor();
      auto h = model->named_children()[2].value()->as<torch::nn::BatchNorm2d>()->forward(
          model->named_children()[1].value()->as<torch::nn::Conv2d>()->forward(x));
      h = std::string(activation) == "relu" ? torch::relu(h) : torch::tanh(h);
      h = torch::max_pool2d(h, 2).flatten(1);
      const auto textbook = model->named_children().back().value()->as<torch::nn::Linear>()->forward(h);
      textbook.sum().backward();
      QVERIFY2(torch::allclose(y, textbook, 1e-5, 1e-6), activation);
      QVERIFY2(torch::allclose(pooled_first, x.grad(), 1e-5, 1e-6), activation);
    }
    // gelu is not monotonic: it keeps the textbook order.
    auto gelu =
        build_model(model_spec(R"({"type": "cnn", "conv_channels": [3], "activation": "gelu"})"), {1, 6, 6}, 2, {});
    QCOMPARE(summarize_model(gelu, {1, 6, 6}).layers.at(3).name, std::string("conv_act1"));
  }

  void mlpLayerNorm() {
    torch::manual_seed(1);
    auto model = build_model(model_spec(R"({"type": "mlp", "hidden": [32], "batch_norm": false, "layer_norm": true})"),
                             {20}, 3, {});
    const auto s = summarize_model(model, {20});
    QCOMPARE(layer(s, "fc_norm1").kind, std::string("LayerNorm"));
    QCOMPARE(layer(s, "fc_norm1").parameters, std::int64_t(64));
    QCOMPARE(model_spec(R"({"type": "mlp", "layer_norm": true, "batch_norm": false})").layer_norm, true);
  }

  void gptParametersAndShapes() {
    // Per block: 2 LayerNorms (4C), qkv (3C*C + 3C), projection (C*C + C), MLP (4C*C + 4C + 4C*C + C) = 12C^2 + 13C.
    const std::int64_t vocab = 50, context = 16, width = 32, layers = 2;
    torch::manual_seed(1);
    auto tied =
        build_model(model_spec(R"({"type": "gpt", "layers": 2, "heads": 4, "width": 32})"), {context}, vocab, {});
    const auto s = summarize_model(tied, {context});
    const std::int64_t per_block = 12 * width * width + 13 * width;
    QCOMPARE(s.total_parameters, vocab * width + context * width + layers * per_block + 2 * width);
    QCOMPARE(layer(s, "logits").output_shape, (Shape{context, vocab}));
    QCOMPARE(layer(s, "logits").parameters, std::int64_t(0));  // shares the embedding's matrix
    // Per block 12 C^2 multiply-adds per token plus attention's 2 T^2 C; logits C * V per token.
    QCOMPARE(layer(s, "block1").flops, std::int64_t(2 * context * 12 * width * width + 4 * context * context * width));
    QCOMPARE(layer(s, "logits").flops, std::int64_t(2 * context * width * vocab));
    auto untied = build_model(model_spec(R"({"type": "gpt", "layers": 2, "heads": 4, "width": 32, "tie_weights": false,
                                             "position": "rotary"})"),
                              {context}, vocab, {});
    // Rotary: no position table; untied: its own output matrix.
    QCOMPARE(summarize_model(untied, {context}).total_parameters, 2 * vocab * width + layers * per_block + 2 * width);
  }

  void gptAttendsOnlyToThePast() {
    for (const char* position : {"learned", "rotary"}) {
      torch::manual_seed(2);
      auto model =
          build_model(model_spec(std::string(R"({"type": "gpt", "layers": 2, "heads": 2, "width": 16, "position": ")") +
                                 position + "\"}"),
                      {12}, 20, {});
      model->eval();
      auto a = torch::randint(0, 20, {1, 12}, torch::kInt64);
      auto b = a.clone();
      b.index_put_({0, torch::indexing::Slice(6, torch::indexing::None)}, (a.slice(1, 6) + 1) % 20);
      const auto ya = model->forward(a), yb = model->forward(b);
      QVERIFY2(torch::allclose(ya.slice(1, 0, 6), yb.slice(1, 0, 6), 1e-5, 1e-6), position);  // the past is unchanged
      QVERIFY2(!torch::allclose(ya.slice(1, 6), yb.slice(1, 6), 1e-5, 1e-6), position);
      // Order matters (positions are encoded): swapping the first two tokens changes the last output.
      auto swapped = a.clone();
      swapped[0][0] = a[0][1];
      swapped[0][1] = a[0][0];
      if (a[0][0].item<std::int64_t>() != a[0][1].item<std::int64_t>())
        QVERIFY2(!torch::allclose(model->forward(swapped).select(1, 11), ya.select(1, 11), 1e-5, 1e-6), position);
    }
  }

  void batchedMatmulMatchesATen() {
    torch::manual_seed(6);
    const auto a = torch::randn({5, 7, 3}).requires_grad_(), b = torch::randn({5, 3, 4}).requires_grad_();
    const auto c = batched_matmul(a, b.transpose(1, 2).contiguous().transpose(1, 2));  // a strided operand too
    const auto upstream = torch::randn({5, 7, 4});
    c.backward(upstream);
    const auto ga = a.grad().clone(), gb = b.grad().clone();
    a.mutable_grad() = torch::Tensor();
    b.mutable_grad() = torch::Tensor();
    const auto reference = torch::matmul(a, b);
    reference.backward(upstream);
    QVERIFY(torch::allclose(c, reference, 1e-5, 1e-6));
    QVERIFY(torch::allclose(ga, a.grad(), 1e-5, 1e-6));
    QVERIFY(torch::allclose(gb, b.grad(), 1e-5, 1e-6));
  }

  void gptLearnsARepeatingSequence() {
    // Next-token prediction of a period-7 sequence: trivial for attention, impossible from one token alone.
    torch::manual_seed(3);
    auto model = build_model(model_spec(R"({"type": "gpt", "layers": 2, "heads": 2, "width": 32})"), {24}, 5, {});
    const auto period = torch::tensor({0, 1, 2, 1, 3, 4, 2}, torch::kInt64);
    const auto stream = period.repeat({20});
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(3e-3));
    double first = 0, last = 0;
    for (int step = 0; step < 150; ++step) {
      const auto starts = torch::randint(0, stream.size(0) - 25, {16}, torch::kInt64);
      std::vector<torch::Tensor> inputs, targets;
      for (int i = 0; i < 16; ++i) {
        const auto s = starts[i].item<std::int64_t>();
        inputs.push_back(stream.slice(0, s, s + 24));
        targets.push_back(stream.slice(0, s + 1, s + 25));
      }
      const auto logits = model->forward(torch::stack(inputs));
      const auto loss =
          torch::nn::functional::cross_entropy(logits.reshape({-1, 5}), torch::stack(targets).reshape({-1}));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      (step == 0 ? first : last) = loss.item<double>();
    }
    QVERIFY2(last < 0.1 && last < first / 10, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
  }

  void lenetAndResnetLearnSmallImages() {
    for (const char* model :
         {R"({"type": "lenet5"})", R"({"type": "resnet", "widths": [8, 16, 32], "blocks": [1, 1, 1]})"}) {
      QTemporaryDir dir;
      const auto e = cifar_experiment(dir.path(), model);
      configure_runtime(e.threads);
      const double accuracy = train_to_test_accuracy(e, load_classification_data(e));
      QVERIFY2(accuracy > 0.8, qPrintable(QString("%1: %2").arg(model).arg(accuracy)));
    }
  }

  void modelFieldsAreCheckedPerType() {
    const auto error = [](const std::string& json) {
      try {
        model_spec(json);
      } catch (const ConfigError& e) {
        return QString(e.what());
      }
      return QString("accepted");
    };
    QCOMPARE(error(R"({"type": "gpt", "width": 30, "heads": 4})"),
             QString("model.heads: model.width 30 must divide into 4 heads"));
    QCOMPARE(error(R"({"type": "gpt", "width": 12, "heads": 4, "position": "rotary"})"),
             QString("model.position: rotary embeddings need an even head width; 12 / 4 heads is odd"));
    QCOMPARE(error(R"({"type": "resnet", "widths": [8, 16], "blocks": [1]})"),
             QString("model.blocks: needs one count per stage: 2 widths, 1 block counts"));
    QCOMPARE(error(R"({"type": "lenet5", "hidden": [10]})"),
             QString("model.hidden: only used by model types \"mlp\" and \"cnn\", not \"lenet5\""));
    QCOMPARE(error(R"({"type": "mlp", "layer_norm": true})"),
             QString("model.layer_norm: choose one normalisation: set model.batch_norm to false"));
    QCOMPARE(model_spec(R"({"type": "gpt"})").layers, std::int64_t(4));
  }

  // The words cradle-cli inspect and the Experiment tab both show (the window
  // translates the same parts): the sizes that set each family, as written.
  void everyModelTypeIsDescribedByItsSizes() {
    const auto text = [](const std::string& json, Task task = Task::Classification) {
      return QString::fromStdString(to_text(describe_model(model_spec(json, task))));
    };
    QCOMPARE(text(R"({"type": "cnn", "conv_channels": [8, 16], "hidden": [32]})"),
             QString("CNN, conv channels 8, 16, dense 32"));
    QCOMPARE(text(R"({"type": "mlp", "hidden": [64, 32]})"), QString("MLP, hidden 64, 32"));
    QCOMPARE(text(R"({"type": "lenet5"})"), QString("LeNet-5"));
    QCOMPARE(text(R"({"type": "resnet", "widths": [8, 16], "blocks": [1, 2]})"),
             QString("ResNet, widths 8, 16, blocks 1, 2"));
    QCOMPARE(text(R"({"type": "gru", "layers": 3, "hidden_size": 48, "bidirectional": true})"),
             QString("GRU, 3 layers, hidden size 48, bidirectional"));
    QCOMPARE(text(R"({"type": "gpt", "layers": 2, "width": 64, "heads": 4})", Task::LanguageModel),
             QString("GPT, 2 blocks, width 64, 4 heads"));
    QCOMPARE(text(R"({"type": "encoder", "layers": 1, "width": 32, "heads": 2})"),
             QString("Transformer encoder, 1 block, width 32, 2 heads"));
    for (const char* type : {"mlp", "cnn", "lenet5", "resnet", "lstm", "gru", "rnn", "gpt", "encoder"}) {
      const auto task = std::string(type) == "gpt" ? Task::LanguageModel : Task::Classification;
      const ModelDescription d = describe_model(model_spec(std::string(R"({"type": ")") + type + "\"}", task));
      QVERIFY2(text(std::string(R"({"type": ")") + type + "\"}", task)
                   .startsWith(QString::fromStdString(to_string(d.family))),
               type);
    }
  }
};

CRADLE_REGISTER_TEST(ModelsTest);

}  // namespace cradle::test

#include "models_test.moc"
