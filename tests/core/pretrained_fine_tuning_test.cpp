// Supervised fine-tuning that starts from a Hugging Face model folder: the
// model's own chat template marks the assistant's turns for training; LoRA
// and gradient checkpointing from the experiment; the run keeps its adapters
// in peft's layout, checked by an independent reference written from peft's
// description (tests/reference/peft_lora_reference.py), which folds them into
// the folder's weights and must give the logits of the run's model.pt.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/dialogue_data.h"
#include "core/eval/classifier_evaluation.h"
#include "core/eval/text_generation.h"
#include "core/export/model_bundle.h"
#include "core/export/safetensors.h"
#include "core/hub/hub_chat_format.h"
#include "core/hub/hub_chat_template.h"
#include "core/hub/hub_folder_export.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/experiment_run.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_hub_model.h"
#include "core/run/run_text_generator.h"
#include "core/run/run_weights.h"
#include "core/train/autocast.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/experiment_refusal.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace fs = std::filesystem;

// A LoRA SFT run of a tiny Hub model folder, with what the checks compare it to.
struct TunedFolderRun {
  QTemporaryDir dir;
  fs::path root, folder, run_dir;
  DialogueData data;
  double loss_before = 0;  // the folder's response-only validation loss
  std::int64_t trainable_parameters = 0, total_parameters = 0;
  RunLanguageModel tuned;            // the run's model.pt, adapters merged
  std::vector<std::int64_t> prompt;  // "say cat" as the user's turn in the model's template
};

namespace {

// The texts of the runs of trained ids, each token as the tokenizer spells it.
std::vector<std::string> trained_texts(const HubTokenizer& tokenizer, const RenderedChat& chat) {
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < chat.ids.size(); ++i) {
    if (!chat.trained[i]) continue;
    if (i == 0 || !chat.trained[i - 1]) texts.emplace_back();
    texts.back() += tokenizer.token_text(chat.ids[i]);
  }
  return texts;
}

Json lora_sft_experiment(const fs::path& dir, const fs::path& model_folder) {
  Json doc = tiny_sft_experiment(dir, model_folder);
  doc["data"]["context_length"] = 48;
  doc["train"] = {{"epochs", 4},
                  {"batch_size", 16},
                  {"lr", 0.01},
                  {"log_every", 5},
                  {"gradient_checkpointing", true},
                  {"lora", {{"rank", 4}, {"alpha", 8}, {"dropout", 0.0}, {"base_dtype", "float32"}}}};
  return doc;
}

constexpr std::int64_t kGreedyTokens = 8;

SamplingOptions greedy() {
  SamplingOptions options;
  options.temperature = 0;
  options.max_new_tokens = kGreedyTokens;
  options.stop_at_end_of_text = false;
  return options;
}

torch::Tensor logits_of(torch::nn::Module& model, const std::vector<std::int64_t>& ids) {
  torch::NoGradGuard no_grad;
  model.eval();
  auto* sequential = dynamic_cast<torch::nn::SequentialImpl*>(&model);
  const auto input = torch::tensor(ids).view({1, -1});
  if (sequential) return sequential->forward(input)[0];
  return dynamic_cast<CausalLanguageModelImpl&>(model).forward(input)[0];
}

std::unique_ptr<TunedFolderRun> train_tuned_folder_run() {
  auto t = std::make_unique<TunedFolderRun>();
  t->root = t->dir.path().toStdString();
  t->folder = t->root / "model";
  t->run_dir = t->root / "run";
  write_tiny_chat_files(t->root);
  write_tiny_chat_model_folder(t->folder);
  const auto e = parse_experiment(lora_sft_experiment(t->root, t->folder));
  std::shared_ptr<const Tokenizer> tokenizer = HubTokenizer::load(t->folder);
  ModelSpec spec;
  spec.type = "pretrained";
  spec.folder = t->folder.string();
  t->data = load_dialogue_data(e, tokenizer, run_chat_format(spec, tokenizer));
  auto base = load_pretrained_sequential(t->folder);
  t->loss_before = evaluate_classifier(base, t->data.validation, 64, torch::kCPU).loss;
  ExperimentRun run(e, t->run_dir);
  t->trainable_parameters = run.model_summary().trainable_parameters;
  t->total_parameters = run.model_summary().total_parameters;
  run.train();
  t->tuned = load_run_language_model(t->run_dir);
  if (!pretrained_language_model(t->tuned.model)) throw std::runtime_error("the run's model is not the folder's");
  t->prompt = t->data.format->prompt({{"user", "say cat"}});
  return t;
}

}  // namespace

class PretrainedFineTuningTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void theModelsTemplateMarksTheAssistantsTurns() {
    QTemporaryDir dir;
    write_tiny_chat_model_folder(fs::path(dir.path().toStdString()));
    std::shared_ptr<const HubTokenizer> tokenizer = HubTokenizer::load(dir.path().toStdString());
    const auto format = hub_chat_format(tokenizer, {kTinyImEnd});
    const std::vector<ChatMessage> messages = {{"system", "Be brief."},
                                               {"user", "hello"},
                                               {"assistant", "Hi there"},
                                               {"user", "bye"},
                                               {"assistant", "the end"}};
    const auto chat = format->render(messages);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
    // The pieces encoded one by one give the ids of the whole rendering (ChatML's turns split at special tokens).
    QVERIFY(chat.ids == tokenizer->encode(apply_hub_chat_template(*tokenizer, list, false)));
    const auto texts = trained_texts(*tokenizer, chat);
    QCOMPARE(texts.size(), std::size_t(2));
    QCOMPARE(texts[0], std::string("Hi there<|im_end|>\n"));
    QCOMPARE(texts[1], std::string("the end<|im_end|>\n"));
    // The prompt ends where the assistant's turn begins.
    const auto prompt = format->prompt({messages.begin(), messages.begin() + 2});
    QCOMPARE(tokenizer->decode(prompt).substr(tokenizer->decode(prompt).size() - 10), std::string("assistant\n"));
    QVERIFY(std::equal(prompt.begin(), prompt.end(), chat.ids.begin()));
    QVERIFY(format->end_ids() == std::vector<std::int64_t>{kTinyImEnd});
  }

  void aTemplateThatRewritesHistoryIsRefused() {
    QTemporaryDir dir;
    // Shows the last message only: the first turn renders differently once another follows.
    write_tiny_chat_model_folder(fs::path(dir.path().toStdString()),
                                 "{% for m in messages %}{% if loop.last %}{{ m['content'] }}{% endif %}{% endfor %}");
    std::shared_ptr<const HubTokenizer> tokenizer = HubTokenizer::load(dir.path().toStdString());
    const auto format = hub_chat_format(tokenizer, {kTinyImEnd});
    try {
      format->render({{"user", "hello"}, {"assistant", "hi"}});
      QFAIL("rendered");
    } catch (const ConfigError& error) {
      QVERIFY2(std::string(error.what()).find("renders differently") != std::string::npos, error.what());
    }
    QTemporaryDir plain;
    write_tiny_chat_model_folder(fs::path(plain.path().toStdString()), "");
    try {
      hub_chat_format(HubTokenizer::load(plain.path().toStdString()), {kTinyImEnd});
      QFAIL("accepted a tokenizer without a chat template");
    } catch (const ConfigError& error) {
      QVERIFY2(std::string(error.what()).find("no chat_template") != std::string::npos, error.what());
    }
  }

  void loraAndCheckpointingAskForAModelFolder() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    Json pretrain = tiny_pretrain_experiment(root);
    pretrain["train"]["lora"] = Json::object();
    QVERIFY2(experiment_refusal(pretrain).contains("train.lora: tunes a model read from a Hugging Face folder"),
             qPrintable(experiment_refusal(pretrain)));
    Json sft = tiny_sft_experiment(root, root / "base");
    sft["model"] = {{"type", "gpt"}};
    sft["train"]["gradient_checkpointing"] = true;
    QVERIFY2(experiment_refusal(sft).contains("got model type \"gpt\""), qPrintable(experiment_refusal(sft)));
    sft["train"].erase("gradient_checkpointing");
    sft["train"]["lora"] = {{"rank", 0}};
    QVERIFY(experiment_refusal(sft).contains("train.lora.rank"));
    // Written back as read.
    write_tiny_chat_model_folder(root / "model");
    Json lora = lora_sft_experiment(root, root / "model");
    lora["train"]["lora"]["target_modules"] = "q_proj|v_proj";
    const auto e = parse_experiment(lora);
    QCOMPARE(experiment_to_json(e)["train"]["lora"].dump(),
             std::string(R"({"rank":4,"alpha":8.0,"dropout":0.0,"rank_stabilised":false,"base_dtype":"float32",)"
                         R"("target_modules":"q_proj|v_proj"})"));
    QVERIFY(experiment_to_json(e)["train"]["gradient_checkpointing"].get<bool>());
  }

  void loraOverABfloat16Base() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "model", run_dir = root / "run";
    write_tiny_chat_files(root);
    write_tiny_chat_model_folder(folder);
    Json doc = lora_sft_experiment(root, folder);
    doc["train"]["lora"]["base_dtype"] = "bfloat16";  // emulated where the processor lacks it: slower, the same
    ExperimentRun run(parse_experiment(doc), run_dir);
    const RunResult result = run.train();
    const Json report = Json::parse(read_file(run_dir / "report.json"));
    QCOMPARE(report["lora"]["base_dtype"].get<std::string>(), std::string("bfloat16"));
    QVERIFY(read_file(run_dir / "train.log").find("the rest frozen in bfloat16") != std::string::npos);
    // The adapters trained in float32 (peft's file holds float32 either way) and moved the model.
    const auto adapter = read_safetensors(run_dir / "adapter" / "adapter_model.safetensors");
    double largest_b = 0;
    for (const auto& [name, tensor] : adapter.tensors)
      if (name.find("lora_B") != std::string::npos) largest_b = std::max(largest_b, tensor.abs().max().item<double>());
    QVERIFY(largest_b > 1e-3);  // lora_B starts at zero
    QVERIFY(result.validation);
    const double loss = result.validation->loss;
    QVERIFY2(loss < 3.0, std::to_string(loss).c_str());  // from about 5.9 (ln 320 is 5.8)
    // "auto" is bfloat16 exactly where the processor computes it natively.
    QCOMPARE(lora_base_in_bfloat16(LoraSpec{}, torch::kCPU), cpu_has_native_bfloat16());
  }

  // The run of lora_sft_experiment on a tiny model folder, trained once in
  // tuned_run() and looked at from each side below (the last resumes it).
  // Only the adapters train, and the run answers better than the folder.
  void loraSftTrainsOnlyTheAdapters() {
    TunedFolderRun& t = tuned_run();
    QVERIFY(t.trainable_parameters < t.total_parameters / 5);  // rank 4 on the 7 projections of 2 layers
    const std::string log = read_file(t.run_dir / "train.log");
    QVERIFY2(log.find("LoRA: adapters on 14 projections") != std::string::npos, log.c_str());
    QVERIFY(log.find("gradient checkpointing") != std::string::npos);
    QVERIFY(log.find("the model's chat_template") != std::string::npos);
    // The run's model (adapters merged into model.pt) answers better than the folder's.
    const double after = evaluate_classifier(t.tuned.model, t.data.validation, 64, torch::kCPU).loss;
    QVERIFY2(after < 0.8 * t.loss_before, (std::to_string(t.loss_before) + " -> " + std::to_string(after)).c_str());
    const Json report = Json::parse(read_file(t.run_dir / "report.json"));
    QCOMPARE(report["lora"]["projections"].get<int>(), 14);
    QCOMPARE(report["chat_format"].get<std::string>(), std::string("the model's chat_template"));
  }

  // peft's files: the reference folds them into the folder's weights and gets
  // model.pt's logits and greedy tokens, as the command line's generator does.
  void adaptersAreInPeftsLayout() {
    TunedFolderRun& t = tuned_run();
    const Json adapter_config = Json::parse(read_file(t.run_dir / "adapter" / "adapter_config.json"));
    QCOMPARE(adapter_config["r"].get<int>(), 4);
    QCOMPARE(adapter_config["base_model_name_or_path"].get<std::string>(), t.folder.string());
    const auto reference =
        run_reference_script("peft_lora_reference.py", {"logits", t.folder.string(), (t.run_dir / "adapter").string(),
                                                        comma_joined(t.prompt), std::to_string(kGreedyTokens)});
    const double difference = (logits_of(*t.tuned.model, t.prompt) - reference.logits).abs().max().item<double>();
    QVERIFY2(difference < 1e-4, std::to_string(difference).c_str());
    QVERIFY(generate_tokens(t.tuned.model, t.prompt, 48, greedy()) == reference.greedy);
    // What the command line and the playground run: the user's turn in the model's template, its cache.
    TextGenerator generator = model_text_generator(t.tuned.model, t.tuned.tokenizer, 48, t.tuned.experiment.model);
    QVERIFY(user_turn_prompt(t.tuned.experiment.model, t.tuned.tokenizer, "say cat") == t.prompt);
    const Generation generation = generator.generate_from(t.prompt, greedy());
    QVERIFY(generation.tokens == reference.greedy && generation.cached);
  }

  // The run as a Hub folder: the folder's model with the run's weights,
  // reloaded with the same logits; a checkpoint holds the adapters apart and,
  // loaded, folds them in as model.pt's are.
  void theRunExportsAsAHubFolder() {
    TunedFolderRun& t = tuned_run();
    const HubModel exported = load_run_hub_model(t.run_dir);
    QCOMPARE(exported.folder.string(), t.folder.string());
    export_hub_folder(exported, t.root / "exported", {});
    const HubModel reloaded = load_hub_model(t.root / "exported");
    QVERIFY(torch::equal(logits_of(*reloaded.model, t.prompt), logits_of(*t.tuned.model, t.prompt)));
    QVERIFY(fs::exists(t.root / "exported" / "tokenizer_config.json"));
    auto from_checkpoint = load_run_language_model(t.run_dir, (t.run_dir / "checkpoints" / "epoch-0004.pt").string());
    const double apart =
        (logits_of(*from_checkpoint.model, t.prompt) - logits_of(*t.tuned.model, t.prompt)).abs().max().item<double>();
    QVERIFY2(apart < 1e-4, std::to_string(apart).c_str());
  }

  // The run as a bundle carries the folder's config.json: with the folder moved away it opens,
  // gives model.pt's logits and answers "say cat" as the run does, in the model's template.
  void theBundleOpensWithTheFolderMovedAway() {
    TunedFolderRun& t = tuned_run();
    export_bundle(t.run_dir, t.root / "bundle");
    QVERIFY(fs::exists(t.root / "bundle" / "model" / "architecture" / "config.json"));
    const auto run_answer = generate_tokens(t.tuned.model, t.prompt, 48, greedy());
    fs::rename(t.folder, t.root / "moved-away");
    {
      ModelBundle bundle = open_bundle(t.root / "bundle");
      QVERIFY(bundle.chat);
      QVERIFY(torch::equal(logits_of(*bundle.model, t.prompt), logits_of(*t.tuned.model, t.prompt)));
      TextGenerator from_bundle = model_text_generator(bundle.model, bundle.tokenizer, 48, bundle.experiment.model);
      QVERIFY(from_bundle.generate_from(t.prompt, greedy()).tokens == run_answer);
    }
    fs::rename(t.root / "moved-away", t.folder);
  }

  // A fifth epoch resumes from the last checkpoint (adapters included) with the run's own tokenizer.
  void aFifthEpochResumesWithTheAdapters() {
    TunedFolderRun& t = tuned_run();
    auto resumed = ExperimentRun::resume(t.run_dir, 5);
    QCOMPARE(resumed->train().outcome.epochs_completed, std::int64_t(5));
    QVERIFY(fs::exists(t.run_dir / "adapter" / "adapter_model.safetensors"));
  }

 private:
  TunedFolderRun& tuned_run() {
    if (!tuned_) tuned_ = train_tuned_folder_run();
    return *tuned_;
  }
  std::unique_ptr<TunedFolderRun> tuned_;
};

CRADLE_REGISTER_TEST(PretrainedFineTuningTest);

}  // namespace cradle::test

#include "pretrained_fine_tuning_test.moc"
