// PPO (stage "ppo") on a Hugging Face model: the policy is a model folder's
// architecture with a value head on its hidden states, rolling out in the
// model's own chat template and ending at its end-of-turn token. With LoRA the
// reference is the policy with its adapters switched off (no second copy);
// without, a copy of the model it started from.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/align/policy_value_model.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/hub/pretrained_language_model.h"
#include "core/run/experiment_run.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"
#include "core/train/runtime.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

// An SFT run of the tiny chat folder on "say <word>" → "<word>." (ChatML), every weight training.
fs::path folder_chat_policy(const fs::path& root, const fs::path& folder) {
  write_tiny_chat_files(root);
  write_tiny_chat_model_folder(folder);
  Json sft = tiny_sft_experiment(root, folder);
  sft["data"]["context_length"] = 48;
  sft["train"] = {{"epochs", 8}, {"batch_size", 16}, {"lr", 0.003}};
  ExperimentRun(parse_experiment(sft), root / "chat").train();
  return root / "chat";
}

// PPO towards one-character replies: the sft policy's "cat." (4 characters) scores 0.5, "." 1.
Json folder_ppo_experiment(const fs::path& root, const fs::path& base) {
  Json doc = {{"name", "ppo"},
              {"task", "language_model"},
              {"stage", "ppo"},
              {"threads", 2},
              {"init_from", base.string()},
              {"data",
               {{"source", "prompts"},
                {"paths", Json::array({(root / "dialogues.jsonl").string()})},
                {"context_length", 48},
                {"test_fraction", 0.1},
                {"validation_fraction", 0.1}}},
              {"train",
               {{"epochs", 3},
                {"batch_size", 16},
                {"lr", 0.003},
                {"clip_grad_norm", 1.0},
                {"lora", {{"rank", 4}, {"alpha", 8}, {"dropout", 0.0}, {"base_dtype", "float32"}}}}},
              {"align",
               {{"max_new_tokens", 12},
                {"ppo_epochs", 4},
                {"minibatch_size", 8},
                {"kl_control", "fixed"},
                {"kl_coef", 0.02},
                {"reward_function", {{"type", "length"}, {"target", 1}, {"tolerance", 6}, {"unit", "characters"}}}}},
              {"eval", {{"batch_size", 64}}}};
  return doc;
}

double validation_figure(const Json& report, const char* when, const char* key) {
  return report["metrics"][when][key].get<double>();
}

std::string ppo_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

class PretrainedPolicyOptimisationTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { configure_runtime(2); }

  // The policy's logits are the architecture's own; the value head reads its hidden states.
  void policyValueModelOnAModelFolder() {
    QTemporaryDir dir;
    const fs::path folder = fs::path(dir.path().toStdString()) / "model";
    write_tiny_chat_model_folder(folder);
    auto lm = load_pretrained_sequential(folder);
    PolicyValueModel policy(lm, 0);
    QCOMPARE(policy->value_head->weight.size(1), pretrained_language_model(lm)->config().hidden_size);
    policy->eval();
    torch::NoGradGuard no_grad;
    const auto tokens = torch::randint(0, 300, {2, 10}, torch::kInt64);
    const auto out = policy->forward(tokens);
    QVERIFY(torch::equal(out.logits, lm->forward(tokens)));
    const auto hidden = pretrained_language_model(lm)->hidden_states(tokens);
    QVERIFY(torch::allclose(out.values, policy->value_head->forward(hidden).squeeze(-1)));
    QCOMPARE(out.values.sizes().vec(), (std::vector<std::int64_t>{2, 10}));
  }

  // LoRA PPO over a folder-tuned sft run: the score rises; the reference (the
  // adapters off) is the policy PPO started from, so the KL starts at zero
  // and grows; the adapters are written for the sft run and merged in model.pt.
  void loraPpoRaisesTheScoreOfAFolderTunedPolicy() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path chat = folder_chat_policy(root, root / "model");
    const Json doc = folder_ppo_experiment(root, chat);
    ExperimentRun(parse_experiment(doc), root / "ppo").train();

    const Json report = Json::parse(read_file(root / "ppo" / "report.json"));
    const double before = validation_figure(report, "validation_before_training", "score");
    const double after = validation_figure(report, "validation", "score");
    const double kl_before = validation_figure(report, "validation_before_training", "kl");
    const double kl_after = validation_figure(report, "validation", "kl");
    const QString figures = QString("score %1 -> %2, KL %3 -> %4").arg(before).arg(after).arg(kl_before).arg(kl_after);
    qInfo("%s", qPrintable(figures));
    if (qEnvironmentVariableIsSet("CRADLE_TEST_TRACE")) {
      qInfo("%s", read_file(root / "ppo" / "metrics.jsonl").c_str());
      qInfo("%s", read_file(root / "ppo" / "samples.jsonl").c_str());
    }
    QVERIFY2(after > before + 0.3, qPrintable(figures));
    QVERIFY2(std::abs(kl_before) < 1e-4, qPrintable(figures));
    QVERIFY2(kl_after > 0.01, qPrintable(figures));
    QVERIFY(report["lora"]["adapter_parameters"].get<std::int64_t>() > 0);
    const std::string log = read_file(root / "ppo" / "train.log");
    QVERIFY2(log.find("the model's chat_template") != std::string::npos, log.c_str());
    QVERIFY2(log.find("the reference is the policy with its adapters off") != std::string::npos, log.c_str());
    QVERIFY(!fs::exists(root / "ppo" / "model" / "reference.pt"));

    const Json adapter_config = Json::parse(read_file(root / "ppo" / "adapter" / "adapter_config.json"));
    QCOMPARE(adapter_config["base_model_name_or_path"].get<std::string>(), chat.string());
    // model.pt is the plain architecture with the adapters folded in: evaluating
    // the run answers the test prompts and scores them with the run's reward.
    EvaluationRequest request;
    request.run_dir = root / "ppo";
    request.sampling.temperature = 0;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.policy);
    QCOMPARE(evaluation.policy->prompts, report["data"]["test_prompts"].get<std::int64_t>());
    QVERIFY2(evaluation.policy->score > before,
             qPrintable(QString("greedy test score %1").arg(evaluation.policy->score)));

    auto resumed = ExperimentRun::resume(root / "ppo", 4);
    QCOMPARE(resumed->train().outcome.epochs_completed, std::int64_t(4));
  }

  // Straight from the folder, every weight training: the reference is the folder's model.
  void ppoStraightFromAModelFolder() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "model";
    write_tiny_chat_files(root);
    write_tiny_chat_model_folder(folder);
    Json doc = folder_ppo_experiment(root, folder);
    doc["train"].erase("lora");
    doc["train"]["epochs"] = 1;
    doc["train"]["lr"] = 0.001;
    ExperimentRun(parse_experiment(doc), root / "ppo").train();
    const Json report = Json::parse(read_file(root / "ppo" / "report.json"));
    QVERIFY(std::abs(validation_figure(report, "validation_before_training", "kl")) < 1e-4);
    QVERIFY(!report.contains("lora"));
    QVERIFY(!fs::exists(root / "ppo" / "model" / "reference.pt"));  // the folder is its own reference
    QVERIFY(load_run_language_model(root / "ppo").model);

    doc["data"]["context_length"] = 400;
    QVERIFY(ppo_error_of([&] {
              ExperimentRun(parse_experiment(doc), root / "too-long").train();
            }).find("max_position_embeddings 128") != std::string::npos);
  }
};

CRADLE_REGISTER_TEST(PretrainedPolicyOptimisationTest);

}  // namespace cradle::test

#include "pretrained_policy_optimisation_test.moc"
