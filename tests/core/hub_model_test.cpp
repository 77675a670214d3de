// Hugging Face Hub model folders (core/hub/): tiny checkpoints of the Llama
// family written in the Hub's exact layout (config.json keys, tensor names,
// safetensors, shards with their index, F32 and BF16), opened by Cradle and
// by an independent reference written in PyTorch's Python API from the
// published description (tests/reference/hub_llama_reference.py, Debian's
// python3-torch): logits within 1e-4, the first 64 greedy tokens the same.
// Broken folders are refused naming the file and the tensor or field.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/eval/text_generation.h"
#include "core/export/safetensors.h"
#include "core/hub/hub_model.h"
#include "core/models/gpt2.h"
#include "core/models/llama.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

std::vector<std::int64_t> greedy_tokens(CausalLanguageModelImpl& model, std::vector<std::int64_t> ids, int count) {
  torch::NoGradGuard no_grad;
  std::vector<std::int64_t> picked;
  for (int i = 0; i < count; ++i) {
    const auto logits = model.forward(torch::tensor(ids).unsqueeze(0));
    picked.push_back(logits[0][-1].argmax().item<std::int64_t>());
    ids.push_back(picked.back());
  }
  return picked;
}

// Cradle's logits and greedy tokens against the reference script's: 1e-4, the same 64 tokens.
void compare_with_reference(const QString& variant, const QString& script, const fs::path& folder) {
  HubModel hub = load_hub_model(folder);
  std::int64_t parameters = 0;
  for (const auto& p : hub.model->parameters()) parameters += p.numel();
  QCOMPARE(parameters, hub.config.parameters());
  const std::vector<std::int64_t> ids = {1, 17, 42, 5, 88, 23, 9, 64, 31, 2, 77, 50};
  torch::Tensor logits;
  {
    torch::NoGradGuard no_grad;
    logits = hub.model->forward(torch::tensor(ids).unsqueeze(0))[0];
  }
  const ReferenceOutput reference =
      run_reference_script(script.toStdString(), {folder.string(), comma_joined(ids), "64"});
  QCOMPARE(logits.sizes(), reference.logits.sizes());
  const double difference = (logits - reference.logits).abs().max().item<double>();
  qInfo("%s: max |logit difference| from the reference %.2e", qPrintable(variant), difference);
  QVERIFY2(difference <= 1e-4, qPrintable(QString("max |logit difference| %1").arg(difference)));
  QCOMPARE(greedy_tokens(*hub.model, ids, 64), reference.greedy);
}

std::string refusal(const fs::path& folder) {
  try {
    load_hub_model(folder);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

class HubModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void llamaFamilyLogitsMatchTheReference_data() {
    QTest::addColumn<QString>("variant");
    for (const char* variant : {"llama-tied-llama3-rope", "qwen2-biases", "mistral", "llama-bf16-sharded"})
      QTest::newRow(variant) << QString(variant);
  }

  void llamaFamilyLogitsMatchTheReference() {
    QFETCH(QString, variant);
    Json config = tiny_config("LlamaForCausalLM", "llama");
    bool sharded = false;
    torch::ScalarType dtype = torch::kFloat32;
    if (variant == "llama-tied-llama3-rope") {
      config["tie_word_embeddings"] = true;
      // head width 8: wavelengths 6.3, 63, 628 and 6283 fall in all three of Llama 3's regions.
      config["rope_scaling"] = {{"rope_type", "llama3"},
                                {"factor", 8.0},
                                {"low_freq_factor", 1.0},
                                {"high_freq_factor", 4.0},
                                {"original_max_position_embeddings", 64}};
    } else if (variant == "qwen2-biases") {
      config = tiny_config("Qwen2ForCausalLM", "qwen2");
      config["num_key_value_heads"] = 1;
      config["rope_theta"] = 1000000.0;
    } else if (variant == "mistral") {
      config = tiny_config("MistralForCausalLM", "mistral");
      config["sliding_window"] = 4096;
    } else {
      sharded = true;
      dtype = torch::kBFloat16;
      config["torch_dtype"] = "bfloat16";
    }
    const fs::path folder = fs::path(dir_.path().toStdString()) / variant.toStdString();
    write_folder(folder, config, random_weights(config, 7), sharded, dtype);

    HubModel hub = load_hub_model(folder);
    QCOMPARE(hub.weight_files, std::int64_t(sharded ? 2 : 1));
    QCOMPARE(QString::fromStdString(hub.stored_dtype), QString(sharded ? "BF16" : "F32"));
    compare_with_reference(variant, "hub_llama_reference.py", folder);
  }

  // GPT-2: Conv1D weights [in, out], learned positions, LayerNorm, gelu_new;
  // tensors named as GPT2LMHeadModel saves them and as GPT2Model's files do
  // (no "transformer.", causal-mask buffers), tied and separate outputs.
  void gpt2LogitsMatchTheReference_data() {
    QTest::addColumn<QString>("variant");
    for (const char* variant : {"gpt2-tied", "gpt2-bare-names-with-buffers", "gpt2-untied-f16-erf-gelu"})
      QTest::newRow(variant) << QString(variant);
  }

  void gpt2LogitsMatchTheReference() {
    QFETCH(QString, variant);
    Json config = tiny_gpt2_config();
    if (variant == "gpt2-untied-f16-erf-gelu") {
      config["tie_word_embeddings"] = false;
      config["activation_function"] = "gelu";
    }
    NamedTensors weights = random_weights(config, 11);
    if (variant == "gpt2-bare-names-with-buffers") {
      for (auto& [name, tensor] : weights) name = name.substr(std::string("transformer.").size());
      for (int layer = 0; layer < 2; ++layer) {
        weights.emplace_back("h." + std::to_string(layer) + ".attn.bias", torch::ones({1, 1, 128, 128}).tril());
        weights.emplace_back("h." + std::to_string(layer) + ".attn.masked_bias", torch::tensor(-1e4));
      }
    }
    const fs::path folder = fs::path(dir_.path().toStdString()) / variant.toStdString();
    write_folder(folder, config, weights, false,
                 variant == "gpt2-untied-f16-erf-gelu" ? torch::kFloat16 : torch::kFloat32);
    compare_with_reference(variant, "hub_gpt2_reference.py", folder);
  }

  // Decoding with the key/value cache — a prompt, then one token or a few at
  // a time — gives every position the logits of one full forward pass; and
  // generation with and without it picks the same tokens, also when the
  // window moves past a small context.
  void keyValueCacheGivesTheFullPassLogits_data() {
    QTest::addColumn<QString>("architecture");
    QTest::newRow("Llama 3 (grouped-query, rope scaling)") << "llama";
    QTest::newRow("Qwen2 (biases)") << "qwen2";
    QTest::newRow("GPT-2") << "gpt2";
  }
  void keyValueCacheGivesTheFullPassLogits() {
    QFETCH(QString, architecture);
    Json config = architecture == "gpt2"    ? tiny_gpt2_config()
                  : architecture == "qwen2" ? tiny_config("Qwen2ForCausalLM", "qwen2")
                                            : tiny_config("LlamaForCausalLM", "llama");
    if (architecture == "llama")
      config["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"original_max_position_embeddings", 16}};
    const HubModelConfig parsed = parse_hub_config(config, "config.json");
    torch::manual_seed(4);
    std::shared_ptr<CausalLanguageModelImpl> model;
    if (parsed.architecture == HubArchitecture::Gpt2)
      model = Gpt2LMHeadModel(parsed).ptr();
    else
      model = LlamaForCausalLM(parsed).ptr();
    model->eval();
    torch::NoGradGuard no_grad;
    const auto ids = torch::randint(0, 96, {1, 40});
    const auto full = model->forward(ids)[0];
    KeyValueCache cache = model->new_cache(64);
    std::vector<torch::Tensor> pieces;
    std::int64_t at = 0;
    for (const std::int64_t step : {5, 1, 1, 3, 1, 7, 1, 21}) {
      pieces.push_back(model->forward_cached(ids.narrow(1, at, step), cache)[0]);
      at += step;
    }
    QCOMPARE(cache.length(), std::int64_t{40});
    const double difference = (torch::cat(pieces) - full).abs().max().item<double>();
    QVERIFY2(difference < 1e-5, qPrintable(QString("max |difference| %1").arg(difference)));
    QVERIFY_THROWS_EXCEPTION(c10::Error, model->forward_cached(ids.narrow(1, 0, 25), cache));  // 65 > 64

    // bfloat16 weights (generation's choice where the processor computes it
    // natively): the same positions, cached or not, within bfloat16's rounding.
    model->to(torch::kBFloat16);
    const auto half = model->forward(ids)[0].to(torch::kFloat32);
    KeyValueCache half_cache = model->new_cache(64);
    const auto half_cached = torch::cat({model->forward_cached(ids.narrow(1, 0, 30), half_cache)[0],
                                         model->forward_cached(ids.narrow(1, 30, 10), half_cache)[0]})
                                 .to(torch::kFloat32);
    const double spread = full.std().item<double>();
    const double from_float32 = (half - full).abs().max().item<double>() / spread;
    const double cached_half = (half_cached - half).abs().max().item<double>() / spread;
    qInfo("bfloat16: max |difference| %.3f of the logits' spread from float32, %.3f cached", from_float32, cached_half);
    QVERIFY2(from_float32 < 0.1 && cached_half < 0.1, qPrintable(QString("%1, %2").arg(from_float32).arg(cached_half)));
    model->to(torch::kFloat32);

    config[architecture == "gpt2" ? "n_positions" : "max_position_embeddings"] = 16;
    const HubModelConfig small = parse_hub_config(config, "config.json");
    std::shared_ptr<CausalLanguageModelImpl> short_model;
    torch::manual_seed(4);
    if (small.architecture == HubArchitecture::Gpt2)
      short_model = Gpt2LMHeadModel(small).ptr();
    else
      short_model = LlamaForCausalLM(small).ptr();
    SamplingOptions options;
    options.temperature = 0;
    options.max_new_tokens = 40;
    const std::vector<std::int64_t> prompt = {3, 1, 4, 1, 5};
    const auto cached = generate_tokens(*short_model, prompt, {}, options);
    options.use_cache = false;
    QCOMPARE(generate_tokens(*short_model, prompt, {}, options), cached);
  }

  // The published sizes of GPT-2 small and SmolLM-135M give their published parameter counts.
  void publishedConfigsGiveTheirParameterCounts() {
    Json gpt2 = tiny_gpt2_config();
    gpt2.update({{"vocab_size", 50257}, {"n_embd", 768}, {"n_layer", 12}, {"n_head", 12}, {"n_positions", 1024}});
    QCOMPARE(parse_hub_config(gpt2, "config.json").parameters(), std::int64_t{124439808});
    Json smollm = tiny_config("LlamaForCausalLM", "llama");
    smollm.update({{"vocab_size", 49152},
                   {"hidden_size", 576},
                   {"intermediate_size", 1536},
                   {"num_hidden_layers", 30},
                   {"num_attention_heads", 9},
                   {"num_key_value_heads", 3},
                   {"tie_word_embeddings", true}});
    QCOMPARE(parse_hub_config(smollm, "config.json").parameters(), std::int64_t{134515008});
    Json unscaled = tiny_gpt2_config();
    unscaled["scale_attn_by_inverse_layer_idx"] = true;
    QVERIFY_THROWS_EXCEPTION(ConfigError, parse_hub_config(unscaled, "config.json"));
  }

  void brokenFoldersAreRefusedByName() {
    const Json config = tiny_config("LlamaForCausalLM", "llama");
    const NamedTensors weights = random_weights(config, 3);
    const fs::path root = fs::path(dir_.path().toStdString()) / "broken";

    write_folder(root / "shard", config, weights, true);
    fs::remove(root / "shard" / "model-00002-of-00002.safetensors");
    QVERIFY2(refusal(root / "shard")
                     .find("model-00002-of-00002.safetensors: a shard model.safetensors.index.json "
                           "names is missing") != std::string::npos,
             refusal(root / "shard").c_str());

    NamedTensors wrong = weights;
    wrong[1].second = torch::zeros({7, 32});
    write_folder(root / "shape", config, wrong, false);
    QVERIFY2(refusal(root / "shape").find("tensor " + wrong[1].first + " is [7, 32]; config.json makes it") !=
                 std::string::npos,
             refusal(root / "shape").c_str());

    NamedTensors extra = weights;
    extra.emplace_back("model.layers.9.mlp.gate_proj.weight", torch::zeros({2, 2}));
    write_folder(root / "extra", config, extra, false);
    QVERIFY(refusal(root / "extra").find("model.layers.9.mlp.gate_proj.weight [2, 2] has no place") !=
            std::string::npos);

    NamedTensors missing(weights.begin() + 1, weights.end());
    write_folder(root / "missing", config, missing, false);
    QVERIFY(refusal(root / "missing").find("no tensor " + weights[0].first) != std::string::npos);

    Json other = config;
    other["architectures"] = {"GPTNeoXForCausalLM"};
    write_folder(root / "neox", other, weights, false);
    QVERIFY2(refusal(root / "neox")
                     .find("config.json: architectures: \"GPTNeoXForCausalLM\" is not an architecture "
                           "Cradle builds; it reads LlamaForCausalLM") != std::string::npos,
             refusal(root / "neox").c_str());

    Json yarn = config;
    yarn["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
    write_folder(root / "yarn", yarn, weights, false);
    QVERIFY(refusal(root / "yarn").find("rope scaling type \"yarn\" is not built") != std::string::npos);

    write_folder(root / "truncated", config, weights, false);
    const auto file = root / "truncated" / "model.safetensors";
    fs::resize_file(file, fs::file_size(file) - 100);
    QVERIFY2(refusal(root / "truncated").find("model.safetensors") != std::string::npos,
             refusal(root / "truncated").c_str());

    fs::create_directories(root / "empty");
    QVERIFY(refusal(root / "empty").find("config.json: no such file") != std::string::npos);
  }

 private:
  QTemporaryDir dir_;
};

CRADLE_REGISTER_TEST(HubModelTest);

}  // namespace cradle::test

#include "hub_model_test.moc"
