// Continued pretraining (stage "pretrain" with init_from and no model
// section): a Hugging Face model folder, or a language-model run, goes on
// learning next tokens from plain text through its own tokenizer, whose
// documents end in the model's own end-of-text token; with LoRA its adapters
// are kept in peft's layout, checked by the independent reference
// (tests/reference/peft_lora_reference.py) against the run's merged model.pt.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/language_model_data.h"
#include "core/eval/classifier_evaluation.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/experiment_run.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_weights.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

// The tiny corpus, continued from `init_from` (no model section).
Json continued_pretraining_experiment(const fs::path& dir, const fs::path& init_from) {
  Json doc = tiny_pretrain_experiment(dir);
  doc["name"] = "continued";
  doc.erase("model");
  doc["init_from"] = init_from.string();
  doc["data"]["validation_fraction"] = 0.1;
  doc["train"] = {{"epochs", 2}, {"batch_size", 16}, {"lr", 0.01}, {"log_every", 5}};
  return doc;
}

std::string continued_config_error(const Json& document) {
  try {
    parse_experiment(document);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

double validation_loss(torch::nn::Sequential model, const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer) {
  const auto data = load_language_model_data(e, std::move(tokenizer));
  return evaluate_classifier(model, data.validation, 64, torch::kCPU).loss;
}

}  // namespace

class ContinuedPretrainingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A document is the tokenizer's encoding with its special tokens, then its
  // eos_token once; a prompt for a new document follows the one before's end.
  void documentsEndInTheModelsOwnEndToken() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    write_tiny_chat_model_folder(folder);
    const auto tokenizer = HubTokenizer::load(folder);
    auto expected = tokenizer->encode("the cat");
    expected.push_back(kTinyImEnd);
    QVERIFY(tokenizer->encode_document("the cat") == expected);
    TextRecord the_cat;
    the_cat.text = "the cat";
    QVERIFY(token_stream(*tokenizer, std::vector<TextRecord>(2, the_cat)).size() == 2 * expected.size());
    auto prompt = document_prompt_ids(*tokenizer, "the cat");
    QCOMPARE(prompt.front(), kTinyImEnd);
    QVERIFY(std::equal(prompt.begin() + 1, prompt.end(), expected.begin()));
    QCOMPARE(prompt.size(), expected.size());
    // Cradle's own tokenizers keep <eos> between documents, as before.
    const auto letters = letter_tokenizer();
    QCOMPARE(letters->encode_document("cat").back(), kEosId);
    QCOMPARE(document_prompt_ids(*letters, "cat").front(), kEosId);
  }

  // LoRA over the folder: only the adapters train, the validation loss falls,
  // the run keeps the folder's tokenizer and names the folder as its model,
  // and peft's reference folds the adapters in to the run's own logits.
  void aModelFolderContinuesPretrainingWithLora() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path folder = root / "model";
    write_tiny_chat_model_folder(folder);
    write_tiny_chat_files(root);
    Json doc = continued_pretraining_experiment(root, folder);
    doc["train"]["lora"] = {{"rank", 4}, {"alpha", 8}, {"dropout", 0.0}, {"base_dtype", "float32"}};
    const Experiment e = parse_experiment(doc);
    QVERIFY(e.model_inherited);
    const fs::path run_dir = root / "run";
    ExperimentRun run(e, run_dir);
    QVERIFY(run.model_summary().trainable_parameters < run.model_summary().total_parameters / 5);
    run.train();
    const std::string log = read_file(run_dir / "train.log");
    QVERIFY2(
        log.find("continued pretraining of " + folder.string() + " (the model folder's weights)") != std::string::npos,
        log.c_str());
    QVERIFY2(log.find("LoRA: adapters on 14 projections") != std::string::npos, log.c_str());
    const Json report = Json::parse(read_file(run_dir / "report.json"));
    QCOMPARE(report["status"].get<std::string>(), std::string("completed"));
    QCOMPARE(report["init_from"].get<std::string>(), folder.string());
    QCOMPARE(report["lora"]["projections"].get<int>(), 14);
    const Experiment frozen = load_experiment(run_dir / "experiment.json");
    QVERIFY(frozen.model.is_pretrained());
    QCOMPARE(frozen.model.folder, folder.string());

    auto tuned = load_run_language_model(run_dir);
    QCOMPARE(tuned.tokenizer->type(), std::string("hub-bpe"));
    const auto base = load_model_folder_language_model(folder);
    const double before = validation_loss(base.model, frozen, tuned.tokenizer);
    const double after = validation_loss(tuned.model, frozen, tuned.tokenizer);
    QVERIFY2(after < 0.8 * before, (std::to_string(before) + " -> " + std::to_string(after)).c_str());

    const Json adapter_config = Json::parse(read_file(run_dir / "adapter" / "adapter_config.json"));
    QCOMPARE(adapter_config["base_model_name_or_path"].get<std::string>(), folder.string());
    const std::vector<std::int64_t> ids = document_prompt_ids(*tuned.tokenizer, "the cat sees");
    const auto reference = run_reference_script(
        "peft_lora_reference.py", {"logits", folder.string(), (run_dir / "adapter").string(), comma_joined(ids), "4"});
    torch::NoGradGuard no_grad;
    tuned.model->eval();
    const auto logits = tuned.model->forward(torch::tensor(ids).view({1, -1}))[0];
    const double difference = (logits - reference.logits).abs().max().item<double>();
    QVERIFY2(difference < 1e-4, std::to_string(difference).c_str());

    // Evaluation continues a document's first words after the end of the one before.
    EvaluationRequest request;
    request.run_dir = run_dir;
    request.prompts = 2;
    request.sampling.max_new_tokens = 4;
    const EvaluationResult evaluated = evaluate_run(request);
    QVERIFY(evaluated.language_model.has_value());
    QVERIFY(evaluated.loss < before);
  }

  // Every weight trains without LoRA; a run of Cradle's own continues too;
  // what cannot work is refused naming the field.
  void fullContinuationAndRefusals() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path folder = root / "model";
    write_tiny_chat_model_folder(folder);
    write_tiny_chat_files(root);
    Json doc = continued_pretraining_experiment(root, folder);
    doc["train"]["epochs"] = 1;
    ExperimentRun(parse_experiment(doc), root / "full").train();
    const auto tuned = load_run_language_model(root / "full");
    const auto base = load_model_folder_language_model(folder);
    const auto changed = tuned.model->named_parameters()["pretrained.model.layers.0.mlp.down_proj.weight"];
    QVERIFY(changed.defined());
    QVERIFY(!torch::equal(changed, base.model->named_parameters()["pretrained.model.layers.0.mlp.down_proj.weight"]));
    QVERIFY(!fs::exists(root / "full" / "adapter"));

    // A GPT pretrained here goes on from its last weights, its tokenizer and context.
    ExperimentRun(parse_experiment(tiny_pretrain_experiment(root)), root / "gpt").train();
    Json again = continued_pretraining_experiment(root, root / "gpt");
    again["train"]["epochs"] = 1;
    ExperimentRun(parse_experiment(again), root / "gpt-more").train();
    const std::string log = read_file(root / "gpt-more" / "train.log");
    QVERIFY2(log.find("continued pretraining of " + (root / "gpt").string() + " (model.pt)") != std::string::npos,
             log.c_str());
    QCOMPARE(load_experiment(root / "gpt-more" / "experiment.json").model.type, std::string("gpt"));

    Json tokens = continued_pretraining_experiment(root, folder);
    tokens["data"] = {{"source", "tokens"}, {"folder", (root / "corpus").string()}, {"context_length", 24}};
    QVERIFY2(continued_config_error(tokens).find("data.source: \"tokens\"") != std::string::npos,
             continued_config_error(tokens).c_str());
    Json named = continued_pretraining_experiment(root, folder);
    named["model"] = {{"type", "gpt"}, {"width", 32}, {"heads", 2}, {"layers", 2}};
    try {
      ExperimentRun(parse_experiment(named), root / "named").train();
      QFAIL("trained a GPT from a model folder");
    } catch (const ConfigError& error) {
      QVERIFY2(std::string(error.what()).find("leave the model section out") != std::string::npos, error.what());
    }
    Json no_source = continued_pretraining_experiment(root, folder);
    no_source.erase("init_from");
    no_source["model"] = {{"type", "pretrained"}, {"folder", folder.string()}};
    QVERIFY2(continued_config_error(no_source).find("init_from: required") != std::string::npos,
             continued_config_error(no_source).c_str());
  }
};

CRADLE_REGISTER_TEST(ContinuedPretrainingTest);

}  // namespace cradle::test

#include "continued_pretraining_test.moc"
