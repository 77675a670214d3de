// The preference stages on a Hugging Face model. Direct preference
// optimisation (stage "dpo"): straight from its folder with LoRA, where the
// reference is the policy with its adapters switched off (no second copy of
// the model), and from a run tuned from a folder; the run's implicit rewards
// are recomputed from an independent reference's logits (tests/reference: the
// Llama architecture and peft's merge, in PyTorch's Python API). The reward
// model (stage "reward"): the architecture with a scalar head, checked against
// the same reference, trained with LoRA. The pairs are rendered in the model's
// own chat template.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/align/candidate_pairs.h"
#include "core/align/direct_preference.h"
#include "core/align/labelled_stages.h"
#include "core/align/response_scorer.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/preference_data.h"
#include "core/export/safetensors.h"
#include "core/hub/hub_reward_model.h"
#include "core/hub/hub_tokenizer.h"
#include "core/hub/pretrained_language_model.h"
#include "core/models/lora.h"
#include "core/run/experiment_profile.h"
#include "core/run/experiment_run.h"
#include "core/run/fine_tuning_base.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"
#include "core/run/stages/base_run.h"
#include "core/train/prediction_units.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

constexpr double kTinyDpoBeta = 0.1;

// DPO with LoRA (rank 4, float32 base) on a tiny model folder at context 48.
Json tiny_folder_dpo_experiment(const fs::path& dir, const fs::path& base) {
  Json doc = tiny_dpo_experiment(dir, base);
  doc["data"]["context_length"] = 48;
  doc["train"] = {{"epochs", 3},
                  {"batch_size", 16},
                  {"lr", 0.01},
                  {"log_every", 5},
                  {"lora", {{"rank", 4}, {"alpha", 8}, {"dropout", 0.0}, {"base_dtype", "float32"}}}};
  doc["align"]["beta"] = kTinyDpoBeta;
  return doc;
}

ModelSpec folder_model(const fs::path& folder) {
  ModelSpec spec;
  spec.type = "pretrained";
  spec.folder = folder.string();
  return spec;
}

std::string dpo_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "accepted";
}

// The scored tokens of one row of DPO's sequence layout, as the tokenizer spells them.
std::string scored_text(const Tokenizer& tokenizer, const torch::Tensor& targets) {
  std::string text;
  for (std::int64_t t = 0; t < targets.size(0); ++t)
    if (targets[t].item<std::int64_t>() != kIgnoredTarget)
      text += tokenizer.token_text(targets[t].item<std::int64_t>());
  return text;
}

// The inputs up to the last scored target: what the reference scripts read.
std::vector<std::int64_t> scored_prefix(const torch::Tensor& inputs, const torch::Tensor& targets) {
  std::int64_t end = 0;
  for (std::int64_t t = 0; t < targets.size(0); ++t)
    if (targets[t].item<std::int64_t>() != kIgnoredTarget) end = t + 1;
  std::vector<std::int64_t> ids;
  for (std::int64_t t = 0; t < end; ++t) ids.push_back(inputs[t].item<std::int64_t>());
  return ids;
}

// The summed log-probability of the scored targets under logits [T', V].
double summed_logprob(const torch::Tensor& logits, const torch::Tensor& targets) {
  const auto logprobs = torch::log_softmax(logits.to(torch::kFloat64), -1);
  double sum = 0;
  for (std::int64_t t = 0; t < logits.size(0); ++t) {
    const auto target = targets[t].item<std::int64_t>();
    if (target != kIgnoredTarget) sum += logprobs[t][target].item<double>();
  }
  return sum;
}

}  // namespace

class PretrainedPreferenceTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void adaptersOffScoreAsTheFrozenBase() {
    QTemporaryDir dir;
    const fs::path folder = fs::path(dir.path().toStdString()) / "model";
    write_tiny_chat_model_folder(folder);
    auto policy = load_pretrained_sequential(folder);
    TrainSpec train;
    train.lora.enabled = true;
    train.lora.base_dtype = "float32";
    train.lora.options.dropout = 0;  // the policy's own scores stay the same from one call to the next
    torch::manual_seed(3);
    prepare_pretrained_tuning(policy, folder_model(folder), train);
    const auto scorer = DirectPreferenceScorer::with_adapters_off(kTinyDpoBeta, 0);
    const auto inputs = torch::randint(0, 300, {2, 2, 12}, torch::kInt64);
    const auto targets = inputs.roll(-1, 2);
    // lora_B starts at zero: the policy is its reference.
    QVERIFY(scorer.score(policy, inputs, targets).rewards.abs().max().item<double>() < 1e-6);

    {
      torch::NoGradGuard no_grad;
      for (const auto& [name, projection] : lora_projections(*policy))
        if (projection->has_adapter()) projection->lora_B->weight.normal_(0, 0.2);
    }
    policy->train();
    const auto rewards = scorer.score(policy, inputs, targets).rewards;
    QVERIFY(rewards.abs().max().item<double>() > 1e-3);
    // The reference is the folder's model: a separate copy gives the same rewards.
    auto base = load_pretrained_sequential(folder);
    const DirectPreferenceScorer copy_scorer(base, kTinyDpoBeta, 0);
    const double apart = (copy_scorer.score(policy, inputs, targets).rewards - rewards).abs().max().item<double>();
    QVERIFY2(apart < 1e-5, std::to_string(apart).c_str());
    // Scoring leaves the policy as it was: training mode, adapters on.
    QVERIFY(policy->is_training());
    for (const auto& [name, projection] : lora_projections(*policy)) QVERIFY(projection->adapter_enabled());
  }

  void loraDpoStraightFromAModelFolder() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "model", run_dir = root / "dpo";
    write_tiny_preferences(root, 200);
    write_tiny_chat_model_folder(folder);
    const Json doc = tiny_folder_dpo_experiment(root, folder);

    // The reply is what DPO scores: in ChatML its text, <|im_end|> and the newline after.
    std::shared_ptr<const Tokenizer> tokenizer = HubTokenizer::load(folder);
    const auto data =
        load_preference_data(parse_experiment(doc), tokenizer, run_chat_format(folder_model(folder), tokenizer));
    const auto& pair = data.test_pairs.at(0);
    const auto& test = data.test;
    QCOMPARE(scored_text(*tokenizer, test.targets[0][0]), pair.chosen + "<|im_end|>\n");
    QCOMPARE(scored_text(*tokenizer, test.targets[0][1]), pair.rejected + "<|im_end|>\n");

    ExperimentRun run(parse_experiment(doc), run_dir);
    const auto result = run.train();
    QVERIFY(result.test);
    qInfo("LoRA DPO from the folder: held-out accuracy %.3f, reward gap %.3f", result.test->accuracy,
          result.test->reward_gap.value_or(0));
    QVERIFY2(result.test->accuracy >= 0.9, std::to_string(result.test->accuracy).c_str());
    QVERIFY(result.test->reward_gap && *result.test->reward_gap > 0);
    const std::string log = read_file(run_dir / "train.log");
    QVERIFY2(log.find("the reference is the policy with its adapters off") != std::string::npos, log.c_str());
    QVERIFY(log.find("the model's chat_template") != std::string::npos);
    const Json report = Json::parse(read_file(run_dir / "report.json"));
    QCOMPARE(report["lora"]["projections"].get<int>(), 14);
    QCOMPARE(report["chat_format"].get<std::string>(), std::string("the model's chat_template"));
    // No copy of the model as reference: the folder is it.
    QVERIFY(!fs::exists(run_dir / "model" / "reference.pt"));
    const Json adapter_config = Json::parse(read_file(run_dir / "adapter" / "adapter_config.json"));
    QCOMPARE(adapter_config["base_model_name_or_path"].get<std::string>(), folder.string());

    // The implicit rewards of a held-out pair, from the independent reference's logits:
    // the policy is the folder with peft's adapter folded in, the reference the folder.
    auto tuned = load_run_language_model(run_dir);
    auto reference = load_pretrained_sequential(folder);
    const DirectPreferenceScorer scorer(reference, kTinyDpoBeta, 0);
    tuned.model->eval();
    const auto rewards = scorer.score(tuned.model, test.inputs.slice(0, 0, 1), test.targets.slice(0, 0, 1)).rewards[0];
    for (int side = 0; side < 2; ++side) {
      const auto inputs = test.inputs[0][side], targets = test.targets[0][side];
      const auto ids = comma_joined(scored_prefix(inputs, targets));
      const auto policy_logits =
          run_reference_script("peft_lora_reference.py",
                               {"logits", folder.string(), (run_dir / "adapter").string(), ids, "0"})
              .logits;
      const auto base_logits = run_reference_script("hub_llama_reference.py", {folder.string(), ids, "0"}).logits;
      const double expected =
          kTinyDpoBeta * (summed_logprob(policy_logits, targets) - summed_logprob(base_logits, targets));
      const double got = rewards[side].item<double>();
      QVERIFY2(std::abs(got - expected) < 1e-4, (std::to_string(got) + " vs " + std::to_string(expected)).c_str());
    }

    // Evaluating the run folder alone rebuilds the reference from the folder and reproduces the test figures.
    EvaluationRequest request;
    request.run_dir = run_dir;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.preferences);
    QVERIFY(std::abs(evaluation.preferences->accuracy - result.test->accuracy) < 1e-9);
    QVERIFY(std::abs(evaluation.preferences->reward_gap - *result.test->reward_gap) < 1e-4);

    // The rating panel's candidates come from the run in the model's own template.
    SamplingOptions sampling;
    sampling.temperature = 1.0;
    sampling.max_new_tokens = 6;
    CandidateQueue candidates({ChatPrompt{{{"user", "say cat"}}, "test"}}, {run_dir}, sampling, 5);
    const auto candidate = candidates.next();
    QVERIFY2(candidate && candidates.error().empty(), candidates.error().c_str());
    QCOMPARE(candidate->generation["runs"][0].get<std::string>(), run_dir.string());

    // A fourth epoch resumes from the checkpoint, adapters and all.
    auto resumed = ExperimentRun::resume(run_dir, 4);
    QCOMPARE(resumed->train().outcome.epochs_completed, std::int64_t(4));
  }

  void dpoFromARunTunedFromAFolder() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "model";
    write_tiny_chat_files(root);
    write_tiny_preferences(root, 120);
    write_tiny_chat_model_folder(folder);
    Json sft = tiny_sft_experiment(root, folder);
    sft["data"]["context_length"] = 48;
    sft["train"] = {
        {"epochs", 1}, {"batch_size", 16}, {"lr", 0.01}, {"lora", {{"rank", 4}, {"base_dtype", "float32"}}}};
    ExperimentRun(parse_experiment(sft), root / "chat").train();

    // The context may differ from the sft run's, within the folder's positions.
    Json doc = tiny_folder_dpo_experiment(root, root / "chat");
    doc["data"]["context_length"] = 40;
    doc["train"]["epochs"] = 1;
    doc["train"].erase("lora");  // every weight trains; the reference is a copy of the sft run's model
    ExperimentRun(parse_experiment(doc), root / "dpo").train();
    QVERIFY(fs::exists(root / "dpo" / "model" / "reference.pt"));
    auto chat = load_run_language_model(root / "chat");
    const RunFolder dpo_run = open_run_folder(root / "dpo");
    auto reference = load_run_reference(load_experiment(dpo_run.experiment_file()), dpo_run.reference_file(), {40},
                                        chat.tokenizer->vocab_size());
    const auto input = torch::randint(0, 300, {1, 16}, torch::kInt64);
    {
      torch::NoGradGuard no_grad;
      QVERIFY(torch::allclose(reference->forward(input), chat.model->forward(input), 1e-5, 1e-5));
    }

    // LoRA over the sft run: the adapters apply to that run's model, not the folder's.
    doc["train"]["lora"] = {{"rank", 4}, {"base_dtype", "float32"}};
    ExperimentRun(parse_experiment(doc), root / "dpo-lora").train();
    const Json adapter_config = Json::parse(read_file(root / "dpo-lora" / "adapter" / "adapter_config.json"));
    QCOMPARE(adapter_config["base_model_name_or_path"].get<std::string>(), (root / "chat").string());
    EvaluationRequest request;
    request.run_dir = root / "dpo-lora";
    QVERIFY(evaluate_run(request).preferences);  // the reference read again from the sft run

    doc["data"]["context_length"] = 400;
    QVERIFY(dpo_error_of([&] {
              ExperimentRun(parse_experiment(doc), root / "too-long").train();
            }).find("max_position_embeddings 128") != std::string::npos);
  }

  // A downloaded instruct model is labelled before any tuning: the rating
  // panel draws its candidates from the folder in its own template, and the
  // stages it writes from the labels start from the folder with LoRA.
  void theRatingPanelLabelsAModelFolder() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "model", plain = root / "no-template";
    write_tiny_preferences(root, 40);
    write_tiny_chat_model_folder(folder);
    SamplingOptions sampling;
    sampling.temperature = 1.0;
    sampling.max_new_tokens = 6;
    CandidateQueue candidates({ChatPrompt{{{"user", "say cat"}}, "test"}}, {folder}, sampling, 5);
    const auto candidate = candidates.next();
    QVERIFY2(candidate && candidates.error().empty(), candidates.error().c_str());
    QCOMPARE(candidate->generation["runs"][0].get<std::string>(), folder.string());

    LabelledStageRequest request;
    request.stage = Stage::Dpo;
    request.policy_run = folder;
    request.labels = root / "preferences.jsonl";
    request.name = "dpo-of-folder";
    const Experiment dpo = parse_experiment(labelled_stage_experiment(request));
    QCOMPARE(dpo.init_from, fs::absolute(folder).lexically_normal().string());
    QVERIFY(dpo.train.lora.enabled);
    QCOMPARE(dpo.data.context_length, std::int64_t(128));  // the folder's positions (under 512)
    ExperimentRun(dpo, root / "dpo").train();              // the written experiment trains as it is
    QVERIFY(fs::exists(root / "dpo" / "adapter" / "adapter_config.json"));

    // A folder whose tokenizer has no chat template cannot answer a conversation: refused by name.
    write_tiny_chat_model_folder(plain, "");
    const std::string refused = dpo_error_of([&] { CandidateQueue({}, {plain}, sampling, 5); });
    QVERIFY2(refused.find("no chat_template") != std::string::npos, refused.c_str());
  }

  // The reward model is the architecture with a one-row output layer read at
  // the last token: the independent reference, given the head as its lm_head,
  // computes the same rewards at every prefix; padding (kNoToken) changes nothing.
  void rewardHeadReadsTheLastToken() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "model", as_head = root / "head";
    write_tiny_chat_model_folder(folder);
    torch::manual_seed(11);
    auto reward = load_hub_reward_sequential(folder);
    reward->eval();
    QVERIFY(pretrained_architecture(reward) != nullptr);
    const auto head = reward->named_parameters()["reward.score.weight"];
    QCOMPARE(head.sizes().vec(), (std::vector<std::int64_t>{1, 32}));
    // The folder with the head as its (untied) output layer.
    const Json config = Json::parse(read_file(folder / "config.json"));
    NamedTensors tensors = read_safetensors(folder / "model.safetensors").tensors;
    for (auto& [name, tensor] : tensors)
      if (name == "lm_head.weight") tensor = head.detach().clone();
    write_folder(as_head, config, tensors, false);
    const std::vector<std::int64_t> ids = {5, 77, 301, 120, 9, 250, 302};
    const auto reference = run_reference_script("hub_llama_reference.py", {as_head.string(), comma_joined(ids), "0"});
    auto rows = torch::full({2, 10}, kNoToken, torch::kInt64);
    for (std::size_t t = 0; t < ids.size(); ++t) rows[0][static_cast<std::int64_t>(t)] = ids[t];
    for (std::size_t t = 0; t < 4; ++t) rows[1][static_cast<std::int64_t>(t)] = ids[t];
    torch::NoGradGuard no_grad;
    const auto rewards = reward->forward(rows);
    QCOMPARE(rewards.sizes().vec(), (std::vector<std::int64_t>{2, 1}));
    const double whole = std::abs(rewards[0][0].item<double>() - reference.logits[6][0].item<double>());
    const double prefix = std::abs(rewards[1][0].item<double>() - reference.logits[3][0].item<double>());
    QVERIFY2(whole < 1e-4 && prefix < 1e-4, (std::to_string(whole) + ", " + std::to_string(prefix)).c_str());
  }

  void loraRewardModelOnAModelFolder() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "model", run_dir = root / "reward";
    write_tiny_preferences(root, 200);
    write_tiny_chat_model_folder(folder);
    Json doc = tiny_folder_dpo_experiment(root, folder);
    doc["stage"] = "reward";
    doc["train"]["lr"] = 0.005;
    doc.erase("align");
    ExperimentRun run(parse_experiment(doc), run_dir);
    // What trains: the adapters and the head (its 32 weights), as inspect shows it.
    const auto& summary = run.model_summary();
    QVERIFY(summary.trainable_parameters < summary.total_parameters / 5);
    QVERIFY(summary.flops > 0);
    // inspect's figures (the experiment alone, before a run) count the same.
    Experiment inspected = parse_experiment(doc);
    inspected.model = load_fine_tuning_base(inspected).pretrained.model;
    const auto profile = profile_data(inspected);
    QCOMPARE(summarize_experiment_model(inspected, profile).trainable_parameters, summary.trainable_parameters);
    const auto result = run.train();
    QVERIFY(result.test);
    qInfo("LoRA reward model on the folder: held-out accuracy %.3f", result.test->accuracy);
    QVERIFY2(result.test->accuracy >= 0.9, std::to_string(result.test->accuracy).c_str());
    const std::string log = read_file(run_dir / "train.log");
    QVERIFY2(log.find("the head trains too") != std::string::npos, log.c_str());
    QVERIFY(log.find("adapters merged into model/model.pt") != std::string::npos);
    const Json report = Json::parse(read_file(run_dir / "report.json"));
    QCOMPARE(report["lora"]["projections"].get<int>(), 14);

    // The run folder alone: evaluation reproduces the test accuracy, and PPO's scorer reads it in the model's template.
    EvaluationRequest request;
    request.run_dir = run_dir;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.preferences);
    QVERIFY(std::abs(evaluation.preferences->accuracy - result.test->accuracy) < 1e-9);
    Experiment ppo = parse_experiment(doc);
    ppo.align.reward_run = run_dir.string();
    const auto scorer = make_response_scorer(ppo, torch::kCPU);
    const std::vector<std::vector<ChatMessage>> prompts = {{{"user", "say cat"}}, {{"user", "say cat"}}};
    const auto scores = scorer->score(prompts, {"the cat.", "a cat."});
    QVERIFY2(scores[0] > scores[1], (std::to_string(scores[0]) + " vs " + std::to_string(scores[1])).c_str());

    auto resumed = ExperimentRun::resume(run_dir, 4);
    QCOMPARE(resumed->train().outcome.epochs_completed, std::int64_t(4));
  }
};

CRADLE_REGISTER_TEST(PretrainedPreferenceTest);

}  // namespace cradle::test

#include "pretrained_preference_test.moc"
