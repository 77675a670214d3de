// The alignment stages after the reward model: DPO (stage "dpo") and PPO
// (stage "ppo"). Their experiment fields, the losses worked out by hand, and
// tiny runs whose effect is known: DPO learns a hidden preference rule
// (held-out preference accuracy and margin up), and every stage resumes and
// streams its metrics into metrics.jsonl.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "core/align/candidate_pairs.h"
#include "core/align/direct_preference.h"
#include "core/align/kl_controller.h"
#include "core/align/labelled_stages.h"
#include "core/align/ppo_math.h"
#include "core/align/preference_labels.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/prompt_data.h"
#include "core/eval/evaluation_report.h"
#include "core/eval/preference_evaluation.h"
#include "core/models/model_factory.h"
#include "core/run/experiment_run.h"
#include "core/run/metrics_follower.h"
#include "core/run/run_evaluation.h"
#include "core/run/run_weights.h"
#include "core/text/chat_template.h"
#include "core/train/prediction_units.h"
#include "core/train/runtime.h"
#include "tests/core/tiny_chat_fixture.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

std::string alignment_error_of(const Json& document) {
  try {
    parse_experiment(document);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

// PPO on the tiny chat world: prompts are the dialogues' user turns.
Json tiny_ppo_experiment(const fs::path& dir, const fs::path& sft, const Json& reward) {
  Json doc = {
      {"name", "ppo"},
      {"task", "language_model"},
      {"stage", "ppo"},
      {"threads", 2},
      {"data", {{"source", "prompts"}, {"context_length", 24}, {"test_fraction", 0.1}, {"validation_fraction", 0.1}}},
      {"train", {{"epochs", 4}, {"batch_size", 16}, {"lr", 0.001}, {"clip_grad_norm", 1.0}}},
      {"align", {{"max_new_tokens", 12}, {"ppo_epochs", 4}, {"minibatch_size", 8}, {"kl_horizon", 50}}},
      {"eval", {{"batch_size", 64}}}};
  doc["init_from"] = sft.string();
  doc["data"]["paths"] = Json::array({(dir / "dialogues.jsonl").string()});
  for (const auto& [key, value] : reward.items()) doc["align"][key] = value;
  return doc;
}

double extra_of(const EvaluationMetrics& m, const std::string& key) {
  for (const auto& [name, value] : m.extra)
    if (name == key) return value;
  return std::nan("");
}

}  // namespace

class AlignmentTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void alignFieldsBelongToTheirStage() {
    const fs::path root = "/tmp/nowhere";
    Json dpo = tiny_dpo_experiment(root, root / "base");
    QCOMPARE(alignment_error_of(dpo), std::string("accepted"));
    const auto e = parse_experiment(dpo);
    QVERIFY(is_direct_preference(e) && reads_preference_pairs(e) && is_chat_policy(e));
    QCOMPARE(parse_experiment(experiment_to_json(e)).align.beta, 0.1);
    dpo["align"]["margin"] = 1.0;
    QVERIFY2(
        alignment_error_of(dpo).find("align.margin: only used by stage \"reward\", not \"dpo\"") != std::string::npos,
        alignment_error_of(dpo).c_str());
    dpo["align"].erase("margin");
    dpo["align"]["beta"] = 0;
    QVERIFY(alignment_error_of(dpo).find("align.beta") != std::string::npos);
    dpo["align"]["beta"] = 0.1;
    dpo["align"]["label_smoothing"] = 0.5;
    QVERIFY(alignment_error_of(dpo).find("align.label_smoothing") != std::string::npos);

    Json sft = tiny_sft_experiment(root, root / "base");
    sft["align"] = {{"beta", 0.1}};
    QVERIFY(alignment_error_of(sft).find("align: only the stages reward, dpo and ppo read it") != std::string::npos);
    Json dpo_on_dialogues = tiny_dpo_experiment(root, root / "base");
    dpo_on_dialogues["data"]["source"] = "dialogues";
    QVERIFY(alignment_error_of(dpo_on_dialogues).find("stage \"dpo\" reads \"preferences\"") != std::string::npos);

    Json ppo = tiny_dpo_experiment(root, root / "base");
    ppo["stage"] = "ppo";
    ppo["data"]["source"] = "prompts";
    ppo["align"] = Json::object();
    QVERIFY(alignment_error_of(ppo).find("needs exactly one of align.reward_run") != std::string::npos);
    ppo["align"]["reward_run"] = "runs/judge";
    QCOMPARE(alignment_error_of(ppo), std::string("accepted"));
    ppo["align"]["reward_function"] = {{"type", "length"}, {"target", 3}};
    QVERIFY(alignment_error_of(ppo).find("needs exactly one of") != std::string::npos);
    ppo["align"].erase("reward_run");
    const auto p = parse_experiment(ppo);
    QCOMPARE(p.align.kl_target, 6.0);  // TRL's classic defaults
    QCOMPARE(p.align.kl_horizon, 10000.0);
    QCOMPARE(p.align.lambda, 0.95);
    QCOMPARE(p.align.clip_range, 0.2);
    const auto again = parse_experiment(experiment_to_json(p));
    QCOMPARE(again.align.reward_function.dump(), p.align.reward_function.dump());
  }

  void preferenceLossByHand() {
    // d = 2 - 0.5 = 1.5: -log sigmoid(1.5) = 0.20141; with margin 1: -log sigmoid(0.5) = 0.47408.
    const auto rewards = torch::tensor({{2.0, 0.5}}, torch::kFloat64);
    QVERIFY(std::abs(pairwise_preference_loss(rewards).item<double>() - 0.2014133) < 1e-6);
    QVERIFY(std::abs(pairwise_preference_loss(rewards, {1.0, 0}).item<double>() - 0.4740770) < 1e-6);
    // Label smoothing 0.1: 0.9 * 0.20141 + 0.1 * -log sigmoid(-1.5) (= 1.70141) = 0.35141.
    QVERIFY(std::abs(pairwise_preference_loss(rewards, {0, 0.1}).item<double>() - 0.3514133) < 1e-6);
  }

  void sequenceLogprobsSumTheReplyOnly() {
    torch::manual_seed(3);
    ModelSpec spec;
    spec.type = "gpt";
    spec.width = 16;
    spec.heads = 2;
    spec.layers = 1;
    auto model = build_model(spec, {6}, 10, {});
    model->eval();
    const auto inputs = torch::tensor({{1, 4, 5, 6, 7, 0}}, torch::kInt64);
    const auto I = kIgnoredTarget;
    const auto targets = torch::tensor(std::vector<std::int64_t>{I, I, 6, 7, 3, I}).unsqueeze(0);
    const auto logprobs = torch::log_softmax(model->forward(inputs), -1)[0];
    const double expected = (logprobs[2][6] + logprobs[3][7] + logprobs[4][3]).item<double>();
    QVERIFY(std::abs(sequence_logprobs(model, inputs, targets).item<double>() - expected) < 1e-5);
  }

  void ppoArithmeticByHand() {
    const auto ones = torch::ones({1, 3});
    // gamma 1, lambda 0.95, values 0.5, the reward 1 at the end: deltas 0, 0, 0.5.
    auto gae = generalized_advantages(torch::tensor({{0.0f, 0.0f, 1.0f}}), torch::full({1, 3}, 0.5f), ones, 1.0, 0.95);
    QVERIFY(torch::allclose(gae.advantages, torch::tensor({{0.45125f, 0.475f, 0.5f}})));
    QVERIFY(torch::allclose(gae.returns, torch::tensor({{0.95125f, 0.975f, 1.0f}})));
    // A response of 2 tokens padded to 3: nothing after its end counts.
    gae = generalized_advantages(torch::tensor({{0.0f, 1.0f, 7.0f}}), torch::full({1, 3}, 0.5f),
                                 torch::tensor({{1.0f, 1.0f, 0.0f}}), 1.0, 0.95);
    QVERIFY(torch::allclose(gae.advantages, torch::tensor({{0.475f, 0.5f, 0.0f}})));

    // Ratio 1.5 with advantage +1 is clipped at 1.2; with advantage -1 the unclipped term is the larger loss.
    const auto old_logprobs = torch::zeros({1, 2});
    const auto new_logprobs = torch::full({1, 2}, std::log(1.5f));
    auto policy =
        clipped_policy_loss(new_logprobs, old_logprobs, torch::tensor({{1.0f, -1.0f}}), torch::ones({1, 2}), 0.2);
    QVERIFY(std::abs(policy.loss.item<double>() - (-1.2 + 1.5) / 2) < 1e-6);
    QVERIFY(std::abs(policy.clip_fraction.item<double>() - 0.5) < 1e-6);
    QVERIFY(std::abs(policy.approx_kl.item<double>() - 0.5 * std::pow(std::log(1.5), 2)) < 1e-6);
    policy = clipped_policy_loss(old_logprobs, old_logprobs, torch::tensor({{1.0f, 3.0f}}), torch::ones({1, 2}), 0.2);
    QVERIFY(std::abs(policy.loss.item<double>() + 2.0) < 1e-6 && policy.clip_fraction.item<double>() == 0);
    // The value moved 1 from 0 towards a return of 1; clipped at 0.2 the error is 0.8: 0.5 * 0.64.
    QVERIFY(std::abs(clipped_value_loss(torch::ones({1, 1}), torch::zeros({1, 1}), torch::ones({1, 1}),
                                        torch::ones({1, 1}), 0.2)
                         .item<double>() -
                     0.32) < 1e-6);
    QVERIFY(
        std::abs(explained_variance(torch::tensor({{1.0f, 2.0f, 4.0f}}), torch::tensor({{1.0f, 2.0f, 4.0f}}), ones) -
                 1) < 1e-9);
    // Uniform logits over 4 tokens: entropy log 4.
    QVERIFY(std::abs(entropy_from_logits(torch::zeros({1, 4})).item<double>() - std::log(4.0)) < 1e-6);
    const auto whitened =
        masked_whiten(torch::tensor({{1.0f, 2.0f, 3.0f, 9.0f}}), torch::tensor({{1.0f, 1.0f, 1.0f, 0.0f}}));
    QVERIFY(torch::allclose(whitened, torch::tensor({{-1.0f, 0.0f, 1.0f, 0.0f}}), 1e-4));

    // The adaptive controller: KL twice the target raises beta by 0.2 * n / horizon; half of it lowers beta as much.
    KlController adaptive(true, 0.2, 6, 10000);
    adaptive.update(12, 100);
    QVERIFY(std::abs(adaptive.coefficient() - 0.2 * 1.002) < 1e-12);
    adaptive.update(3, 100);
    QVERIFY(std::abs(adaptive.coefficient() - 0.2 * 1.002 * 0.998) < 1e-12);
    KlController fixed(false, 0.2, 6, 10000);
    fixed.update(100, 100);
    QCOMPARE(fixed.coefficient(), 0.2);
  }

  void ppoRaisesAProgrammaticScoreWithinTheKlTarget() {
    configure_runtime(2);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path sft = tiny_chat_policy(root);
    // The fine-tuned policy answers "say cat" with "cat." (4 characters); the reward asks for 12.
    const Json reward = {
        {"reward_function", {{"type", "length"}, {"target", 12}, {"tolerance", 12}, {"unit", "characters"}}}};
    Json controlled = tiny_ppo_experiment(root, sft, reward);
    controlled["align"]["kl_target"] = 4.0;
    controlled["align"]["kl_coef"] = 0.1;
    const auto with_kl = ExperimentRun(parse_experiment(controlled), root / "ppo").train();
    Json unpenalised = tiny_ppo_experiment(root, sft, reward);
    unpenalised["name"] = "ppo-beta0";
    unpenalised["align"]["kl_control"] = "fixed";
    unpenalised["align"]["kl_coef"] = 0.0;
    const auto without_kl = ExperimentRun(parse_experiment(unpenalised), root / "ppo-beta0").train();

    // Rollouts generated one at a time are the batched ones exactly: the first iteration's scores (before any
    // update) agree to the last bit.
    Json one_at_a_time = controlled;
    one_at_a_time["name"] = "ppo-one-at-a-time";
    one_at_a_time["train"]["epochs"] = 1;
    one_at_a_time["align"]["generation_batch"] = 1;
    ExperimentRun(parse_experiment(one_at_a_time), root / "ppo-one-at-a-time").train();
    const auto first_step = [](const fs::path& run) {
      std::istringstream lines(read_file(run / "metrics.jsonl"));
      for (std::string line; std::getline(lines, line);)
        if (line.find("\"score\":") != std::string::npos) {
          const Json step = Json::parse(line);
          if (step.contains("response_length")) return step;
        }
      return Json();
    };
    const Json batched_step = first_step(root / "ppo"), alone_step = first_step(root / "ppo-one-at-a-time");
    QVERIFY2(!batched_step.is_null(), "no iteration in metrics.jsonl");
    QCOMPARE(alone_step["score"].get<double>(), batched_step["score"].get<double>());
    QCOMPARE(alone_step["response_length"].get<double>(), batched_step["response_length"].get<double>());

    const Json report = Json::parse(read_file(root / "ppo" / "report.json"));
    QCOMPARE(report["stage"].get<std::string>(), std::string("ppo"));
    const double before = report["metrics"]["validation_before_training"]["score"].get<double>();
    const double after = report["metrics"]["validation"]["score"].get<double>();
    const double kl = report["metrics"]["validation"]["kl"].get<double>();
    const double free_kl = extra_of(*without_kl.validation, "kl");
    const QString figures = QString("score %1 -> %2, KL %3 (beta 0: %4, score %5)")
                                .arg(before)
                                .arg(after)
                                .arg(kl)
                                .arg(free_kl)
                                .arg(extra_of(*without_kl.validation, "score"));
    qInfo("%s", qPrintable(figures));
    // The score rises far above the fine-tuned policy's; the adaptive controller
    // keeps the KL near its target of 4 nats, while without a penalty it runs far past it.
    QVERIFY2(after > before + 0.3, qPrintable(figures));
    QVERIFY2(kl < 1.5 * 4.0, qPrintable(figures));
    QVERIFY2(free_kl > kl, qPrintable(figures));
    double peak_free_kl = 0;
    for (const auto& m : MetricsFollower(root / "ppo-beta0" / "metrics.jsonl").read_new().evaluations)
      if (m.split == "validation") peak_free_kl = std::max(peak_free_kl, extra_of(m, "kl"));
    // The same bound on both sides: the controlled run stays under 1.5x the target, the
    // unpenalised one passes it (by how much varies with the processor: 7.1 nats on a
    // Sapphire Rapids Xeon, over 8 on others).
    QVERIFY2(peak_free_kl > 1.5 * 4.0, qPrintable(figures + QString(", peak KL with beta 0: %1").arg(peak_free_kl)));
    QVERIFY(with_kl.test && !std::isnan(extra_of(*with_kl.test, "score")));
    if (qEnvironmentVariableIsSet("CRADLE_TEST_TRACE")) {
      qInfo("%s", read_file(root / "ppo" / "metrics.jsonl").c_str());
      qInfo("%s", read_file(root / "ppo-beta0" / "metrics.jsonl").c_str());
    }

    // Every iteration streams PPO's figures; samples.jsonl shows responses and their scores.
    const std::string metrics = read_file(root / "ppo" / "metrics.jsonl");
    for (const char* field : {"\"score\":", "\"kl\":", "\"kl_coef\":", "\"entropy\":", "\"clip_fraction\":",
                              "\"approx_kl\":", "\"value_loss\":", "\"explained_variance\":", "\"response_length\":"})
      QVERIFY2(metrics.find(field) != std::string::npos, field);
    QVERIFY(read_file(root / "ppo" / "samples.jsonl").find("\"score\":") != std::string::npos);
    // The run's model is a plain language model again: it generates like the sft run's.
    QVERIFY(load_run_language_model(root / "ppo").model);
    // Evaluating the run answers every test prompt and scores the answers with the run's reward.
    EvaluationRequest request;
    request.run_dir = root / "ppo";
    request.sampling.temperature = 0;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.policy);
    QCOMPARE(evaluation.policy->prompts, report["data"]["test_prompts"].get<std::int64_t>());
    QVERIFY2(evaluation.policy->score > before,
             qPrintable(QString("greedy test score %1").arg(evaluation.policy->score)));
    QVERIFY(evaluation.generations.front().score);
    QVERIFY(evaluation_to_html(evaluation).find("mean score of the replies") != std::string::npos);

    auto resumed = ExperimentRun::resume(root / "ppo", 5);
    QCOMPARE(resumed->train().outcome.epochs_completed, std::int64_t(5));
  }

  void ppoRaisesTheRewardModelsScore() {
    configure_runtime(2);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path sft = tiny_chat_policy(root);
    write_tiny_preferences(root, 240);  // the judge prefers "the W." to "a W."
    Json judge = {
        {"name", "judge"},
        {"task", "language_model"},
        {"stage", "reward"},
        {"threads", 2},
        {"data",
         {{"source", "preferences"}, {"context_length", 24}, {"test_fraction", 0.2}, {"validation_fraction", 0.1}}},
        {"train", {{"epochs", 4}, {"batch_size", 16}, {"lr", 0.003}, {"log_every", 5}}}};
    judge["init_from"] = sft.string();
    judge["data"]["paths"] = Json::array({(root / "preferences.jsonl").string()});
    ExperimentRun(parse_experiment(judge), root / "judge").train();

    Json doc = tiny_ppo_experiment(root, sft, {{"reward_run", (root / "judge").string()}});
    doc["align"]["kl_coef"] = 0.05;
    doc["train"]["epochs"] = 6;
    ExperimentRun run(parse_experiment(doc), root / "ppo");
    const auto result = run.train();
    const Json report = Json::parse(read_file(root / "ppo" / "report.json"));
    const double before = report["metrics"]["validation_before_training"]["score"].get<double>();
    const double after = report["metrics"]["validation"]["score"].get<double>();
    const QString figures = QString("reward model score %1 -> %2, KL %3")
                                .arg(before)
                                .arg(after)
                                .arg(report["metrics"]["validation"]["kl"].get<double>());
    qInfo("%s", qPrintable(figures));
    if (qEnvironmentVariableIsSet("CRADLE_TEST_TRACE")) {
      qInfo("%s", read_file(root / "ppo" / "metrics.jsonl").c_str());
      qInfo("%s", read_file(root / "ppo" / "samples.jsonl").c_str());
    }
    QVERIFY2(after > before + 1.0, qPrintable(figures));
    QVERIFY(report["reward"].get<std::string>().find("reward model") != std::string::npos);

    // Stopped and resumed, a run ends where an uninterrupted one does.
    auto resumed = ExperimentRun::resume(root / "ppo", 7);
    const auto more = resumed->train();
    QCOMPARE(more.outcome.epochs_completed, std::int64_t(7));
    QCOMPARE(more.outcome.steps, result.outcome.steps / 6 * 7);
  }

  void candidatePairsComeAheadOfTheLabeller() {
    configure_runtime(2);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path sft = tiny_chat_policy(root);
    std::vector<ChatPrompt> prompts;
    for (int i = 0; i < 8; ++i) prompts.push_back({{{"user", std::string("say ") + kTinyWords[i]}}, "test"});
    SamplingOptions sampling;
    sampling.max_new_tokens = 8;
    sampling.temperature = 1.0;
    const auto collect = [&](CandidateQueue& queue) {
      std::vector<CandidatePair> pairs;
      while (auto pair = queue.next()) pairs.push_back(*pair);
      return pairs;
    };
    CandidateQueue one_policy(prompts, {sft}, sampling, 7, 2);
    const auto pairs = collect(one_policy);
    QCOMPARE(pairs.size(), size_t(8));
    QVERIFY(one_policy.error().empty());
    int left = 0, differ = 0;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      QCOMPARE(pairs[i].prompt[0].content, prompts[i].messages[0].content);  // in prompt order
      left += pairs[i].first_shown_left ? 1 : 0;
      differ += pairs[i].first != pairs[i].second ? 1 : 0;
    }
    QVERIFY2(left > 0 && left < 8, qPrintable(QString("first shown left %1 of 8").arg(left)));  // both sides occur
    QVERIFY(differ > 0);  // two samples, not one reply twice
    QCOMPARE(pairs[0].generation["runs"].size(), size_t(2));

    // The same seed gives the same candidates and sides; prompts already labelled are left out.
    CandidateQueue again(prompts, {sft}, sampling, 7, 2,
                         [](const std::vector<ChatMessage>& p) { return p[0].content == "say cat"; });
    const auto rest = collect(again);
    QCOMPARE(rest.size(), size_t(7));
    QCOMPARE(rest[0].first, pairs[1].first);
    QCOMPARE(rest[0].first_shown_left, pairs[1].first_shown_left);

    // Two policies: one reply each; a pretrained run is refused, it does not chat.
    CandidateQueue two_policies(prompts, {sft, sft}, sampling, 7, 3);
    bool finished = false;
    int polled = 0;
    while (!finished) {
      if (two_policies.try_next(finished))
        ++polled;
      else if (!finished)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    QCOMPARE(polled, 8);
    // Pairs already on file come back as candidates, sides drawn the same way.
    write_tiny_preferences(root, 6);
    const auto on_file = load_candidate_pairs(root / "preferences.jsonl", 7);
    QCOMPARE(on_file.size(), size_t(6));
    QCOMPARE(on_file[0].first, std::string("the cat."));
    QCOMPARE(on_file[3].first_shown_left, first_shown_left(7, 3));
    try {
      CandidateQueue base(prompts, {root / "base"}, sampling, 7);
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("needs a chat model"), error.what());
    }
    // Greedy decoding gives one run's two samples the same reply: refused. Two runs may compare greedy replies.
    SamplingOptions greedy = sampling;
    greedy.temperature = 0;
    try {
      CandidateQueue same(prompts, {sft}, greedy, 7);
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("at temperature 0 are the same reply"), error.what());
    }
    CandidateQueue two_greedy(prompts, {sft, sft}, greedy, 7);
    const auto greedy_pair = two_greedy.next();
    QVERIFY(greedy_pair);
    QCOMPARE(greedy_pair->first, greedy_pair->second);  // one model twice, greedy: the same reply
  }

  void theRatingPanelsStagesComeFromItsLabels() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const auto place_run = [&](const std::string& name, const Json& experiment) {
      fs::create_directories(root / name);
      write_text_atomically(root / name / "experiment.json", experiment.dump(2));
      return root / name;
    };
    const fs::path chat = place_run("chat", tiny_sft_experiment(root, root / "base"));
    const fs::path base = place_run("base", tiny_pretrain_experiment(root));
    const auto write_labels = [&](int decided, int undecided) {
      const fs::path file = root / ("labels-" + std::to_string(decided) + ".jsonl");
      PreferenceLabelFile labels(file);
      for (int i = 0; i < decided + undecided; ++i) {
        PreferenceLabel l;
        l.prompt = {{"user", "say " + std::string(kTinyWords[i % 8])}};
        l.first = "the " + std::to_string(i) + ".";
        l.second = "a " + std::to_string(i) + ".";
        l.verdict = i < decided ? (i % 2 ? PairVerdict::Second : PairVerdict::First)
                                : (i % 2 ? PairVerdict::Tie : PairVerdict::Skip);
        labels.append(l);
      }
      return file;
    };
    const fs::path labels = write_labels(12, 5);
    LabelledStageRequest request;
    request.stage = Stage::Reward;
    request.policy_run = chat;
    request.labels = labels;
    request.name = "mine-reward";
    const Experiment reward = parse_experiment(labelled_stage_experiment(request));
    QCOMPARE(to_string(reward.stage), std::string("reward"));
    QCOMPARE(reward.init_from, chat.string());
    QCOMPARE(to_string(reward.data.source), std::string("preferences"));
    QCOMPARE(reward.data.paths, std::vector<std::string>{labels.string()});
    QCOMPARE(reward.data.context_length, std::int64_t(24));  // the policy's
    // 12 decided pairs: 9 to train on, one batch of 9 per epoch, epochs up to the 60-step target.
    QCOMPARE(reward.train.batch_size, std::int64_t(9));
    QCOMPARE(reward.train.epochs, std::int64_t(60));
    request.stage = Stage::Dpo;
    const Experiment dpo = parse_experiment(labelled_stage_experiment(request));
    QVERIFY(is_direct_preference(dpo));
    QCOMPARE(dpo.train.epochs, std::int64_t(40));
    QCOMPARE(dpo.align.beta, 0.1);

    const auto refused = [&](LabelledStageRequest r, const char* expected) {
      try {
        labelled_stage_experiment(r);
        return QString("accepted");
      } catch (const ConfigError& error) {
        return QString(error.what()).contains(expected) ? QString() : QString(error.what());
      }
    };
    LabelledStageRequest few = request;
    few.labels = write_labels(8, 6);
    QCOMPARE(refused(few, "8 decided pairs (6 ties and skips left out); a reward model or DPO needs at least 10"),
             QString());
    LabelledStageRequest from_base = request;
    from_base.policy_run = base;
    QCOMPARE(refused(from_base,
                     "a pretrained language model (stage pretrain), not a chat model; dpo starts from a chat model"),
             QString());

    LabelledStageRequest ppo = request;
    ppo.stage = Stage::Ppo;
    ppo.prompts = root / "prompts.jsonl";
    QCOMPARE(refused(ppo, "no reward run"), QString());
    ppo.reward_run = chat;
    QCOMPARE(refused(ppo, "not a reward model"), QString());
    ppo.reward_run = place_run("reward", experiment_to_json(reward));
    const Experiment policy_optimisation = parse_experiment(labelled_stage_experiment(ppo));
    QVERIFY(is_policy_optimisation(policy_optimisation));
    QCOMPARE(policy_optimisation.align.reward_run, (root / "reward").string());
    QCOMPARE(policy_optimisation.data.paths, std::vector<std::string>{(root / "prompts.jsonl").string()});
  }

  void promptSetsAndHeldOutPrompts() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_text_atomically(root / "prompts.txt", "say cat\n\n  say dog \r\nsay sun");
    const auto prompts = load_prompt_file(root / "prompts.txt");
    QCOMPARE(prompts.size(), size_t(3));
    QCOMPARE(prompts[1].messages[0].content, std::string("  say dog"));
    QCOMPARE(prompts[1].origin, (root / "prompts.txt").string() + ":3");
    write_text_atomically(root / "prompts.jsonl", prompts_to_jsonl(prompts));
    const auto again = load_prompt_file(root / "prompts.jsonl");
    QCOMPARE(again.size(), size_t(3));
    QCOMPARE(again[2].messages[0].content, std::string("say sun"));
    write_text_atomically(root / "empty.txt", "\n \n");
    try {
      load_prompt_file(root / "empty.txt");
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("empty.txt: no prompts"), error.what());
    }
    // The held-out prompts of a fine-tuning run are the conversations of its test split.
    write_tiny_chat_files(root);
    const Experiment sft = parse_experiment(tiny_sft_experiment(root, root / "base"));
    const auto held_out = held_out_prompts(sft);
    Json as_prompts = tiny_sft_experiment(root, root / "base");
    as_prompts["stage"] = "ppo";
    as_prompts["align"] = {{"reward_function", {{"type", "length"}, {"target", 4}}}};
    as_prompts["data"]["source"] = "prompts";
    const auto tokenizer = letter_tokenizer();
    const auto ppo_split = load_prompt_data(parse_experiment(as_prompts), tokenizer, cradle_chat_format(tokenizer));
    QCOMPARE(held_out.size(), ppo_split.test.size());
    QVERIFY(!held_out.empty());
    for (std::size_t i = 0; i < held_out.size(); ++i) {
      QCOMPARE(held_out[i].messages.back().role, std::string("user"));
      QCOMPARE(held_out[i].messages.back().content, ppo_split.test[i].messages.back().content);
    }
  }

  void dpoLearnsAHiddenPreference() {
    configure_runtime(2);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_tiny_chat_files(root);
    write_tiny_preferences(root, 240);
    Json pretrain = tiny_pretrain_experiment(root);
    pretrain["train"]["epochs"] = 1;
    ExperimentRun(parse_experiment(pretrain), root / "base").train();

    // Before DPO the policy is its reference: every implicit reward is 0, so no pair is ordered right.
    const fs::path dpo_dir = root / "dpo";
    ExperimentRun run(parse_experiment(tiny_dpo_experiment(root, root / "base")), dpo_dir);
    const auto result = run.train();
    QVERIFY(result.test);
    QVERIFY2(result.test->accuracy >= 0.9,
             qPrintable(QString("held-out preference accuracy %1").arg(result.test->accuracy)));
    QVERIFY(result.test->reward_gap && *result.test->reward_gap > 0.5);
    QVERIFY(result.test->chosen_logprob && result.test->rejected_logprob);
    QVERIFY(*result.test->chosen_logprob > *result.test->rejected_logprob);
    const Json report = Json::parse(read_file(dpo_dir / "report.json"));
    QCOMPARE(report["stage"].get<std::string>(), std::string("dpo"));
    QVERIFY(report["metrics"]["test"].contains("chosen_logprob"));
    QVERIFY(fs::exists(dpo_dir / "model" / "reference.pt"));
    const std::string metrics = read_file(dpo_dir / "metrics.jsonl");
    QVERIFY(metrics.find("\"reward_gap\":") != std::string::npos &&
            metrics.find("\"rejected_logprob\":") != std::string::npos);

    // The reference kept in the run folder is the base model: scoring the base
    // as the policy gives zero rewards, so the margin came from training.
    auto base = load_run_language_model(root / "base");
    auto reference = build_model(base.experiment.model, {24}, base.tokenizer->vocab_size(), {});
    load_weights_file(dpo_dir / "model" / "reference.pt", *reference);
    const DirectPreferenceScorer scorer(reference, 0.1, 0);
    const auto inputs = torch::randint(8, base.tokenizer->vocab_size(), {2, 2, 24}, torch::kInt64);
    const auto targets = inputs.roll(-1, 2);
    const auto zero = scorer.score(base.model, inputs, targets).rewards;
    QVERIFY(zero.abs().max().item<double>() < 1e-4);

    // Evaluating the run folder alone reproduces the test figures.
    EvaluationRequest request;
    request.run_dir = dpo_dir;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.preferences && evaluation.preferences->chosen_logprob);
    QVERIFY(std::abs(evaluation.preferences->accuracy - result.test->accuracy) < 1e-9);
    QVERIFY(std::abs(evaluation.preferences->reward_gap - *result.test->reward_gap) < 1e-4);

    auto resumed = ExperimentRun::resume(dpo_dir, 5);
    QCOMPARE(resumed->train().outcome.epochs_completed, std::int64_t(5));
  }
};

CRADLE_REGISTER_TEST(AlignmentTest);

}  // namespace cradle::test

#include "alignment_test.moc"
