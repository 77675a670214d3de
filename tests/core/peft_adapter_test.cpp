// LoRA adapters in Hugging Face peft's layout (core/models/lora*.h,
// core/hub/peft_adapter.h) and Hub folders written back
// (core/hub/hub_folder_export.h). Adapters written by an independent
// reference from peft's published description (tests/reference/
// peft_lora_reference.py) load here with the reference's merged logits
// (1e-4, 64 greedy tokens); adapters saved here load in that reference; a
// merged folder reloads, here and in the reference, with the same logits.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/export/safetensors.h"
#include "core/hub/fine_tuning_memory.h"
#include "core/hub/hub_folder_export.h"
#include "core/hub/peft_adapter.h"
#include "core/models/lora.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

const std::vector<std::int64_t> kIds = {1, 17, 42, 5, 88, 23, 9, 64, 31, 2, 77, 50};

torch::Tensor logits_of(CausalLanguageModelImpl& model) {
  torch::NoGradGuard no_grad;
  return model.forward(torch::tensor(kIds).unsqueeze(0))[0];
}

std::vector<std::int64_t> greedy_tokens(CausalLanguageModelImpl& model, int count) {
  torch::NoGradGuard no_grad;
  std::vector<std::int64_t> ids = kIds, picked;
  for (int i = 0; i < count; ++i) {
    picked.push_back(model.forward(torch::tensor(ids).unsqueeze(0))[0][-1].argmax().item<std::int64_t>());
    ids.push_back(picked.back());
  }
  return picked;
}

double max_difference(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

Json config_for(const QString& variant) {
  if (variant.startsWith("gpt2")) return tiny_gpt2_config();
  if (variant.startsWith("qwen2")) return tiny_config("Qwen2ForCausalLM", "qwen2");
  return tiny_config("LlamaForCausalLM", "llama");
}

std::string refusal(const fs::path& model, const fs::path& adapter) {
  HubModel hub = load_hub_model(model);
  try {
    load_peft_adapter(hub, adapter);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

class PeftAdapterTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    root_ = dir_.path().toStdString();
  }

  void adapterInPeftLayoutMatchesTheReference_data() {
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("targets");
    QTest::addColumn<bool>("rslora");
    QTest::newRow("llama q,v") << "llama"
                               << "q_proj,v_proj" << false;
    QTest::newRow("qwen2 all projections, rsLoRA") << "qwen2"
                                                   << "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj" << true;
    QTest::newRow("gpt2 Conv1D") << "gpt2"
                                 << "c_attn,c_proj" << false;
  }

  // An adapter nobody here wrote, as peft saves one, gives the reference's merged model's logits.
  void adapterInPeftLayoutMatchesTheReference() {
    QFETCH(QString, variant);
    QFETCH(QString, targets);
    QFETCH(bool, rslora);
    const Json config = config_for(variant);
    const fs::path model = root_ / ("model-" + variant.toStdString()),
                   adapter = root_ / ("adapter-" + variant.toStdString());
    write_folder(model, config, random_weights(config, 11), false);
    run_reference_script_to_write(model, adapter, targets.toStdString(), rslora);

    HubModel hub = load_hub_model(model);
    const torch::Tensor base = logits_of(*hub.model);
    const LoadedAdapter loaded = load_peft_adapter(hub, adapter);
    QCOMPARE(loaded.config.options.rank, std::int64_t{4});
    std::size_t in_file = 0;  // each adapted projection has a lora_A and a lora_B
    for (const auto& [name, tensor] : read_safetensors(adapter / "adapter_model.safetensors").tensors)
      in_file += name.find(".lora_A.") != std::string::npos ? 1 : 0;
    QCOMPARE(loaded.modules.size(), in_file);
    QVERIFY(in_file >= 4);
    const torch::Tensor adapted = logits_of(*hub.model);
    QVERIFY2(max_difference(adapted, base) > 1e-2, "the adapter changes nothing");
    const ReferenceOutput reference = run_reference_script(
        "peft_lora_reference.py", {"logits", model.string(), adapter.string(), comma_joined(kIds), "64"});
    const double difference = max_difference(adapted, reference.logits);
    qInfo("%s: max |logit difference| from peft's merged reference %.2e", qPrintable(variant), difference);
    QVERIFY2(difference <= 1e-4, qPrintable(QString::number(difference)));
    QCOMPARE(greedy_tokens(*hub.model, 64), reference.greedy);

    // Folding the adapter in gives the same model, and switching it off the base.
    set_adapters_enabled(*hub.model, false);
    QCOMPARE(max_difference(logits_of(*hub.model), base), 0.0);
    set_adapters_enabled(*hub.model, true);
    QCOMPARE(merge_adapters(*hub.model), static_cast<std::int64_t>(loaded.modules.size()));
    QVERIFY(!has_adapters(*hub.model));
    QVERIFY(max_difference(logits_of(*hub.model), adapted) <= 1e-4);  // float32 rounding of W + ΔW
  }

  // A new adapter leaves the model as it was; only the adapters train.
  void newAdapterStartsAtTheBaseAndOnlyItTrains() {
    const Json config = config_for("llama");
    const fs::path model = root_ / "model-train";
    write_folder(model, config, random_weights(config, 12), false);
    HubModel hub = load_hub_model(model);
    const torch::Tensor base = logits_of(*hub.model);
    const LoraAttachment attached = attach_lora(*hub.model, LoraOptions().with_rank(4).with_alpha(8).with_dropout(0),
                                                default_lora_targets(hub.config.architecture));
    QCOMPARE(attached.modules.size(), std::size_t{14});  // 7 projections × 2 layers
    // Each projection: rank × (in + out).
    std::int64_t expected = 0;
    for (const auto& [name, projection] : lora_projections(*hub.model))
      expected += 4 * (projection->in_features() + projection->out_features());
    QCOMPARE(attached.adapter_parameters, expected);
    QCOMPARE(max_difference(logits_of(*hub.model), base), 0.0);  // lora_B starts at zero

    freeze_all_but_adapters(*hub.model);
    std::map<std::string, torch::Tensor> before;
    for (const auto& item : hub.model->named_parameters()) before[item.key()] = item.value().detach().clone();
    hub.model->train();
    std::vector<torch::Tensor> trainable;
    for (const auto& p : hub.model->parameters())
      if (p.requires_grad()) trainable.push_back(p);
    QCOMPARE(static_cast<std::int64_t>(trainable.size()), std::int64_t{28});
    torch::optim::SGD sgd(trainable, torch::optim::SGDOptions(0.1));
    for (int step = 0; step < 2; ++step) {
      sgd.zero_grad();
      const auto logits = hub.model->forward(torch::tensor(kIds).unsqueeze(0));
      torch::nn::functional::cross_entropy(logits[0].slice(0, 0, -1), torch::tensor(kIds).slice(0, 1)).backward();
      sgd.step();
    }
    int changed_adapters = 0;
    for (const auto& item : hub.model->named_parameters()) {
      const bool same = torch::equal(item.value(), before[item.key()]);
      const bool adapter = item.key().find(".lora_") != std::string::npos;
      if (!adapter) QVERIFY2(same, item.key().c_str());
      changed_adapters += adapter && !same ? 1 : 0;
    }
    QCOMPARE(changed_adapters, 28);
    hub.model->eval();
    QVERIFY(max_difference(logits_of(*hub.model), base) > 1e-4);
    set_adapters_enabled(*hub.model, false);
    QCOMPARE(max_difference(logits_of(*hub.model), base), 0.0);  // DPO's reference: the base, no second copy
  }

  // An adapter saved here is peft's layout, and the reference folds it into the same logits.
  void savedAdapterLoadsInTheReference_data() {
    QTest::addColumn<QString>("variant");
    QTest::newRow("llama") << "llama";
    QTest::newRow("gpt2") << "gpt2";
  }

  void savedAdapterLoadsInTheReference() {
    QFETCH(QString, variant);
    const Json config = config_for(variant);
    const fs::path model = root_ / ("model-save-" + variant.toStdString()),
                   adapter = root_ / ("saved-" + variant.toStdString());
    write_folder(model, config, random_weights(config, 13), false);
    HubModel hub = load_hub_model(model);
    LoraOptions options = LoraOptions().with_rank(2).with_alpha(6);
    attach_lora(*hub.model, options, default_lora_targets(hub.config.architecture));
    {
      torch::NoGradGuard no_grad;
      torch::manual_seed(5);
      for (const auto& [name, projection] : lora_projections(*hub.model)) projection->lora_B->weight.normal_(0, 0.2);
    }
    const torch::Tensor adapted = logits_of(*hub.model);
    save_peft_adapter(hub, "tiny/" + variant.toStdString(), adapter);

    const Json written = Json::parse(read_file(adapter / "adapter_config.json"));
    QCOMPARE(written["peft_type"].get<std::string>(), std::string("LORA"));
    QCOMPARE(written["task_type"].get<std::string>(), std::string("CAUSAL_LM"));
    QCOMPARE(written["r"].get<int>(), 2);
    QCOMPARE(written["lora_alpha"].get<double>(), 6.0);
    QCOMPARE(written["fan_in_fan_out"].get<bool>(), variant == "gpt2");
    QCOMPARE(written["base_model_name_or_path"].get<std::string>(), "tiny/" + variant.toStdString());
    const auto tensors = read_safetensors(adapter / "adapter_model.safetensors").tensors;
    const std::string first = variant == "gpt2" ? "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"
                                                : "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    QVERIFY(std::any_of(tensors.begin(), tensors.end(), [&](const auto& t) { return t.first == first; }));

    const ReferenceOutput reference = run_reference_script(
        "peft_lora_reference.py", {"logits", model.string(), adapter.string(), comma_joined(kIds), "8"});
    const double difference = max_difference(adapted, reference.logits);
    qInfo("%s: saved adapter, max |logit difference| in the reference %.2e", qPrintable(variant), difference);
    QVERIFY2(difference <= 1e-4, qPrintable(QString::number(difference)));

    HubModel again = load_hub_model(model);
    load_peft_adapter(again, adapter);
    QCOMPARE(max_difference(logits_of(*again.model), adapted), 0.0);
  }

  // A merged model written as a Hub folder reloads with the adapter's logits, here and in the reference.
  void mergedFolderReloadsWithTheSameLogits() {
    const Json config = config_for("qwen2");
    const fs::path model = root_ / "model-merge", adapter = root_ / "adapter-merge", out = root_ / "merged";
    write_folder(model, config, random_weights(config, 14), true);
    write_text_atomically(model / "tokenizer_config.json", R"({"eos_token": "</s>"})");
    write_text_atomically(model / "generation_config.json", R"({"eos_token_id": 2})");
    run_reference_script_to_write(model, adapter, "q_proj,o_proj,down_proj", false);
    HubModel hub = load_hub_model(model);
    merge_peft_adapter(hub, adapter);
    const torch::Tensor merged = logits_of(*hub.model);

    HubFolderExportOptions options;
    options.base_model = "Qwen/tiny";
    const HubFolderExportSummary summary = export_hub_folder(hub, out, options);
    QCOMPARE(summary.dtype, std::string("float32"));
    QCOMPARE(summary.copied_files, (std::vector<std::string>{"tokenizer_config.json", "generation_config.json"}));
    QCOMPARE(summary.parameters, hub.config.parameters());
    const HubModel reloaded = load_hub_model(out);
    QCOMPARE(max_difference(logits_of(*reloaded.model), merged), 0.0);
    const ReferenceOutput reference =
        run_reference_script("peft_lora_reference.py", {"logits", out.string(), "-", comma_joined(kIds), "8"});
    QVERIFY(max_difference(reference.logits, merged) <= 1e-4);
    QVERIFY(read_file(out / "README.md").find("base_model: Qwen/tiny") != std::string::npos);
    QVERIFY(read_file(out / "config.json").find("\"torch_dtype\": \"float32\"") != std::string::npos);

    // bfloat16: the file and config say so, and the logits stay near.
    const fs::path small = root_ / "merged-bf16";
    options.dtype = torch::kBFloat16;
    export_hub_folder(hub, small, options);
    const HubModel halved = load_hub_model(small);
    QCOMPARE(halved.stored_dtype, std::string("BF16"));
    const double spread = (merged.max() - merged.min()).item<double>();
    QVERIFY(max_difference(logits_of(*halved.model), merged) <= 0.05 * spread);

    // An existing folder is never overwritten, and a model with adapters is not written unmerged.
    const std::string before = read_file(out / "config.json");
    QVERIFY_THROWS_EXCEPTION(ConfigError, export_hub_folder(hub, out, options));
    QCOMPARE(read_file(out / "config.json"), before);
    HubModel unmerged = load_hub_model(model);
    load_peft_adapter(unmerged, adapter);
    QVERIFY_THROWS_EXCEPTION(ConfigError, export_hub_folder(unmerged, root_ / "never", options));
    QVERIFY(!fs::exists(root_ / "never"));
  }

  // inspect's estimate counts the adapters attach_lora adds, and what each saving takes away.
  void memoryEstimateFollowsTheModel_data() {
    QTest::addColumn<QString>("variant");
    QTest::newRow("llama") << "llama";
    QTest::newRow("gpt2") << "gpt2";
  }

  void memoryEstimateFollowsTheModel() {
    QFETCH(QString, variant);
    const Json config = config_for(variant);
    const HubModelConfig parsed = parse_hub_config(config, "config.json");
    FineTuningMemoryOptions options;
    options.context = 64;
    const FineTuningMemory full = estimate_fine_tuning_memory(parsed, options);
    QCOMPARE(full.trainable, parsed.parameters());
    QCOMPARE(full.weights, 4 * parsed.parameters());
    QCOMPARE(full.optimizer, 2 * full.gradients);
    options.lora = LoraOptions().with_rank(4);
    const FineTuningMemory lora = estimate_fine_tuning_memory(parsed, options);
    const fs::path model = root_ / ("model-memory-" + variant.toStdString());
    write_folder(model, config, random_weights(config, 16), false);
    HubModel hub = load_hub_model(model);
    const LoraAttachment attached =
        attach_lora(*hub.model, LoraOptions().with_rank(4), default_lora_targets(parsed.architecture));
    QCOMPARE(lora.trainable, attached.adapter_parameters);
    QVERIFY(lora.gradients + lora.optimizer < full.gradients + full.optimizer);
    options.gradient_checkpointing = true;
    QVERIFY(estimate_fine_tuning_memory(parsed, options).activations < lora.activations);
    options.targets = LoraTargets{{"q_proj", "c_attn"}, ""};
    HubModel again = load_hub_model(model);
    QCOMPARE(estimate_fine_tuning_memory(parsed, options).trainable,
             attach_lora(*again.model, LoraOptions().with_rank(4), *options.targets).adapter_parameters);
  }

  void badAdaptersAreRefusedNamingFileAndField_data() {
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expected");
    QTest::newRow("prefix tuning") << "peft_type"
                                   << "peft_type is \"PREFIX_TUNING\"; Cradle reads LoRA adapters";
    QTest::newRow("dora") << "use_dora"
                          << "use_dora: DoRA adapters are not supported";
    QTest::newRow("trained biases") << "bias"
                                    << "bias is \"all\"";
    QTest::newRow("modules_to_save") << "modules_to_save"
                                     << "modules_to_save is [\"lm_head\"]";
    QTest::newRow("unknown target") << "target"
                                    << "match no projection of the model; its projections: q_proj, k_proj";
    QTest::newRow("rank disagrees")
        << "rank"
        << "adapter_model.safetensors: tensor "
           "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight is [4, 32]; r = 8";
    QTest::newRow("missing tensor") << "missing"
                                    << "no tensor base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
    QTest::newRow("extra tensor")
        << "extra"
        << "tensor base_model.model.model.layers.0.mlp.up_proj.lora_A.weight [4, 32] has no place";
    QTest::newRow("not JSON") << "json"
                              << "adapter_config.json: not JSON";
    QTest::newRow("no weights") << "no weights"
                                << "no adapter_model.safetensors";
  }

  void badAdaptersAreRefusedNamingFileAndField() {
    QFETCH(QString, change);
    QFETCH(QString, expected);
    const Json config = config_for("llama");
    const fs::path model = root_ / "model-bad";
    if (!fs::exists(model)) write_folder(model, config, random_weights(config, 15), false);
    const fs::path adapter = root_ / ("bad-" + change.toStdString());
    run_reference_script_to_write(model, adapter, "q_proj,v_proj", false);
    Json adapter_config = Json::parse(read_file(adapter / "adapter_config.json"));
    const fs::path weights = adapter / "adapter_model.safetensors";
    NamedTensors tensors = read_safetensors(weights).tensors;
    if (change == "peft_type") adapter_config["peft_type"] = "PREFIX_TUNING";
    if (change == "use_dora") adapter_config["use_dora"] = true;
    if (change == "bias") adapter_config["bias"] = "all";
    if (change == "modules_to_save") adapter_config["modules_to_save"] = {"lm_head"};
    if (change == "target") adapter_config["target_modules"] = {"w_proj"};
    if (change == "rank") adapter_config["r"] = 8;
    if (change == "missing")
      tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                                   [](const auto& t) {
                                     return t.first == "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
                                   }),
                    tensors.end());
    if (change == "extra")
      tensors.emplace_back("base_model.model.model.layers.0.mlp.up_proj.lora_A.weight", torch::zeros({4, 32}));
    write_text_atomically(adapter / "adapter_config.json", change == "json" ? "{\"r\": " : adapter_config.dump());
    write_safetensors(weights, tensors);
    if (change == "no weights") fs::remove(weights);
    const std::string message = refusal(model, adapter);
    QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    QVERIFY2(message.find(adapter.string()) != std::string::npos, message.c_str());  // names where
  }

 private:
  void run_reference_script_to_write(const fs::path& model, const fs::path& adapter, const std::string& targets,
                                     bool rslora) {
    std::vector<std::string> arguments = {"write", model.string(), adapter.string(), "4", "8", targets, "3"};
    if (rslora) arguments.push_back("rslora");
    QStringList line = {CRADLE_SOURCE_DIR "/tests/reference/peft_lora_reference.py"};
    for (const auto& a : arguments) line << QString::fromStdString(a);
    QProcess python;
    python.start("/usr/bin/python3", line);
    QVERIFY(python.waitForFinished(60000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
  }

  QTemporaryDir dir_;
  fs::path root_;
};

CRADLE_REGISTER_TEST(PeftAdapterTest);

}  // namespace cradle::test

#include "peft_adapter_test.moc"
