// The stages after pretraining. Supervised fine-tuning (stage "sft"): the chat
// template and its loss mask worked out by hand, packing and cutting, the
// experiment fields, and a tiny pretrained GPT fine-tuned on dialogues: the
// response-only loss falls, the model ends its turns, the run resumes. The
// reward model (stage "reward"): preference pairs rendered and cut from the
// left, and a reward model on the pretrained trunk that learns a hidden rule.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/dialogue_data.h"
#include "core/data/preference_data.h"
#include "core/eval/classifier_evaluation.h"
#include "core/eval/evaluation_report.h"
#include "core/models/model_factory.h"
#include "core/run/experiment_run.h"
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

std::vector<std::int64_t> ids_of(const Tokenizer& tokenizer, const std::string& text) { return tokenizer.encode(text); }

std::string error_of(const Json& document) {
  try {
    parse_experiment(document);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

class FineTuningTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void templateTrainsTheAssistantOnly() {
    const auto tokenizer = letter_tokenizer();
    const auto markers = chat_markers(*tokenizer);
    QCOMPARE(markers.system, std::int64_t(4));  // right after <pad>, <unk>, <bos>, <eos>
    QCOMPARE(markers.assistant, std::int64_t(6));
    const auto chat = render_chat(*tokenizer, markers, {{"user", "ab"}, {"assistant", "cd"}});
    const auto a = ids_of(*tokenizer, "a")[0], b = ids_of(*tokenizer, "b")[0];
    const auto c = ids_of(*tokenizer, "c")[0], d = ids_of(*tokenizer, "d")[0];
    QVERIFY(
        (chat.ids == std::vector<std::int64_t>{kEosId, markers.user, a, b, kEosId, markers.assistant, c, d, kEosId}));
    QVERIFY((chat.trained == std::vector<bool>{false, false, false, false, false, false, true, true, true}));
    const auto prompt = render_chat_prompt(*tokenizer, markers, {{"user", "ab"}});
    QVERIFY((prompt == std::vector<std::int64_t>{kEosId, markers.user, a, b, kEosId, markers.assistant}));

    // Inputs are the first 8 ids padded to 10; a target only where the next id is the assistant's.
    std::int64_t cut = 0, dropped = 0;
    const auto data = dialogue_sequences({chat}, 10, false, &cut, &dropped);
    QCOMPARE(data.size(), std::int64_t(1));
    const auto I = kIgnoredTarget;
    QVERIFY(torch::equal(data.inputs[0],
                         torch::tensor({kEosId, markers.user, a, b, kEosId, markers.assistant, c, d, kPadId, kPadId})));
    QVERIFY(torch::equal(data.targets[0], torch::tensor({I, I, I, I, I, c, d, kEosId, I, I})));
    QVERIFY(cut == 0 && dropped == 0);
    // Cut to 7 tokens (context 6): the reply's first token stays a target. Cut to 6: nothing left, dropped.
    QVERIFY(torch::equal(dialogue_sequences({chat}, 6, false, &cut, &dropped).targets[0],
                         torch::tensor({I, I, I, I, I, c})));
    QCOMPARE(dialogue_sequences({chat}, 5, false, &cut, &dropped).size(), std::int64_t(0));
    QVERIFY(cut == 2 && dropped == 1);
    // Packing: two 9-token dialogues share a 19-token window; without it, a row each.
    QCOMPARE(dialogue_sequences({chat, chat}, 18, true).size(), std::int64_t(1));
    QCOMPARE(dialogue_sequences({chat, chat}, 18, false).size(), std::int64_t(2));
    QCOMPARE(dialogue_sequences({chat, chat}, 16, true).size(), std::int64_t(2));  // 18 tokens do not fit in 17
  }

  void aTokenizerWithoutMarkersIsNamed() {
    TokenizerSpec spec;
    spec.type = "char";
    spec.special_tokens = {};
    try {
      chat_markers(*train_tokenizer(spec, {"abc"}));
      QFAIL("accepted");
    } catch (const DataError& error) {
      QVERIFY2(QString(error.what()).contains("has no <|system|> token"), error.what());
    }
  }

  void experimentFieldsAreChecked() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    Json sft = tiny_sft_experiment(root, root / "base");
    QCOMPARE(error_of(sft), std::string("accepted"));
    const auto e = parse_experiment(sft);
    QVERIFY(is_fine_tuning(e) && e.model.type == "gpt");
    const auto round_trip = parse_experiment(experiment_to_json(e));  // stage, init_from and packing written back
    QCOMPARE(to_string(round_trip.stage), std::string("sft"));
    QCOMPARE(round_trip.init_from, e.init_from);

    Json no_base = sft;
    no_base.erase("init_from");
    QVERIFY(error_of(no_base).find("init_from: required for stage \"sft\"") != std::string::npos);
    Json wrong_source = tiny_pretrain_experiment(root);
    wrong_source["stage"] = "sft";
    wrong_source["init_from"] = "runs/base";
    QVERIFY(error_of(wrong_source).find("stage \"sft\" reads \"dialogues\"") != std::string::npos);
    Json dialogues_pretrain = sft;
    dialogues_pretrain.erase("stage");
    dialogues_pretrain.erase("init_from");
    QVERIFY(error_of(dialogues_pretrain).find("\"dialogues\" is read by task \"language_model\" with stage \"sft\"") !=
            std::string::npos);
    Json classifier = sft;
    classifier["task"] = "classification";
    QVERIFY(error_of(classifier).find("stage: only task \"language_model\" has the alignment stages") !=
            std::string::npos);
    Json reward = sft;
    reward["stage"] = "reward";
    QVERIFY(error_of(reward).find("stage \"reward\" reads \"preferences\"") != std::string::npos);
    reward["data"]["source"] = "preferences";
    reward["data"]["packing"] = true;
    QVERIFY(error_of(reward).find("data.packing: only used by source") != std::string::npos);  // sft's field
    reward["data"].erase("packing");
    QCOMPARE(error_of(reward), std::string("accepted"));
    Json tokenizer = sft;
    tokenizer["data"]["tokenizer"] = Json::object();
    QVERIFY(error_of(tokenizer).find("data.tokenizer") != std::string::npos);
  }

  void sftLearnsTheRepliesAndEndsItsTurns() {
    configure_runtime(2);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_tiny_chat_files(root);
    const fs::path base_dir = root / "base", sft_dir = root / "chat";
    ExperimentRun(parse_experiment(tiny_pretrain_experiment(root)), base_dir).train();

    // A context length other than the base model's is refused before anything is written.
    Json mismatch = tiny_sft_experiment(root, base_dir);
    mismatch["data"]["context_length"] = 32;
    try {
      ExperimentRun(parse_experiment(mismatch), root / "never");
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("differs from the pretrained run's 24"), error.what());
    }
    QVERIFY(!fs::exists(root / "never"));
    Json other_model = tiny_sft_experiment(root, base_dir);
    other_model["model"] = Json::parse(R"({"type": "gpt", "width": 64, "heads": 2, "layers": 2})");
    try {
      ExperimentRun(parse_experiment(other_model), root / "never");
      QFAIL("accepted");
    } catch (const ConfigError& error) {
      QVERIFY2(QString(error.what()).contains("model: differs from the pretrained run's"), error.what());
    }

    const auto e = parse_experiment(tiny_sft_experiment(root, base_dir));
    // The pretrained model's response-only loss on the validation dialogues, before fine-tuning.
    const auto base = load_experiment(base_dir / "experiment.json");
    auto pretrained =
        build_model(base.model, {24}, load_tokenizer(base_dir / "model" / "tokenizer.json")->vocab_size(), {});
    load_weights_file(base_dir / "model" / "model.pt", *pretrained);
    std::shared_ptr<const Tokenizer> tokenizer = load_tokenizer(base_dir / "model" / "tokenizer.json");
    const auto data = load_dialogue_data(e, tokenizer, cradle_chat_format(tokenizer));
    const double before = evaluate_classifier(pretrained, data.validation, 64, torch::kCPU).loss;

    ExperimentRun run(e, sft_dir);
    const auto result = run.train();
    QVERIFY(result.validation);
    QVERIFY2(
        result.validation->loss < 0.5 * before,
        qPrintable(
            QString("response-only validation loss %1 after, %2 before").arg(result.validation->loss).arg(before)));
    const Json report = Json::parse(read_file(sft_dir / "report.json"));
    QCOMPARE(report["stage"].get<std::string>(), std::string("sft"));
    QVERIFY2(report["replies"]["ended_turn"].get<double>() >= 0.9, report["replies"].dump().c_str());
    QCOMPARE(report["replies"]["examples"][0]["reply"].get<std::string>(),
             report["replies"]["examples"][0]["reference"].get<std::string>());
    // The frozen experiment holds the base model, so the run stands alone.
    const auto frozen = load_experiment(sft_dir / "experiment.json");
    QCOMPARE(frozen.model.width, std::int64_t(32));
    QVERIFY(fs::path(frozen.init_from).is_absolute());
    QVERIFY(fs::exists(sft_dir / "model" / "tokenizer.json"));

    // Resumed for one more epoch from its checkpoint.
    auto resumed = ExperimentRun::resume(sft_dir, 13);
    const auto more = resumed->train();
    QCOMPARE(more.outcome.epochs_completed, std::int64_t(13));
  }

  void preferencePairsKeepTheirEnds() {
    const auto tokenizer = letter_tokenizer();
    const auto markers = chat_markers(*tokenizer);
    const auto format = cradle_chat_format(tokenizer);
    const PreferencePair pair{{{"user", "ab"}}, "cd", "e", "test:1"};
    const auto data = preference_pairs_dataset(*format, {pair}, 12, kPadId);
    QCOMPARE(data.inputs.sizes().vec(), (std::vector<std::int64_t>{1, 2, 12}));
    const auto c = ids_of(*tokenizer, "c")[0], d = ids_of(*tokenizer, "d")[0], e = ids_of(*tokenizer, "e")[0];
    // <eos> <|user|> a b <eos> <|assistant|> c d <eos>, padded; the rejected side one token shorter.
    QVERIFY(torch::equal(data.inputs[0][0].slice(0, 6, 10), torch::tensor({c, d, kEosId, kPadId})));
    QVERIFY(torch::equal(data.inputs[0][1].slice(0, 6, 9), torch::tensor({e, kEosId, kPadId})));
    std::int64_t cut = 0;
    const auto short_window = preference_pairs_dataset(*format, {pair}, 4, kPadId, &cut);
    QVERIFY(torch::equal(short_window.inputs[0][0], torch::tensor({markers.assistant, c, d, kEosId})));  // the last 4
    QCOMPARE(cut, std::int64_t(2));
  }

  void rewardModelLearnsAHiddenRule() {
    configure_runtime(2);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    write_tiny_chat_files(root);
    write_tiny_preferences(root, 240);  // the hidden rule: a reply starting with "the" beats one starting with "a"
    Json pretrain = tiny_pretrain_experiment(root);
    pretrain["train"]["epochs"] = 1;
    ExperimentRun(parse_experiment(pretrain), root / "base").train();
    Json doc = Json::parse(R"({"name": "judge", "task": "language_model", "stage": "reward", "threads": 2,
      "data": {"source": "preferences", "context_length": 24, "test_fraction": 0.2, "validation_fraction": 0.1},
      "train": {"epochs": 6, "batch_size": 16, "lr": 0.003, "log_every": 5}})");
    doc["init_from"] = (root / "base").string();
    doc["data"]["paths"] = Json::array({(root / "preferences.jsonl").string()});
    const fs::path judge = root / "judge";
    ExperimentRun run(parse_experiment(doc), judge);
    const auto result = run.train();
    QVERIFY(result.test);
    QVERIFY2(result.test->accuracy >= 0.9,
             qPrintable(QString("held-out preference accuracy %1").arg(result.test->accuracy)));
    const Json report = Json::parse(read_file(judge / "report.json"));
    QCOMPARE(report["stage"].get<std::string>(), std::string("reward"));
    QVERIFY(report["metrics"]["test"]["reward_gap"].get<double>() > 0);
    QCOMPARE(report["data"]["test_pairs"].get<std::int64_t>(), std::int64_t(48));
    // Only the head is new: the trunk came from the pretrained run.
    QVERIFY(read_file(judge / "train.log").find("(new: reward_head.weight, reward_head.bias)") != std::string::npos);
    // Evaluations stream the gap into metrics.jsonl as the dashboard reads it.
    QVERIFY(read_file(judge / "metrics.jsonl").find("\"reward_gap\":") != std::string::npos);
    // Evaluating the run folder alone reproduces the report's test figures.
    EvaluationRequest request;
    request.run_dir = judge;
    const auto evaluation = evaluate_run(request);
    QVERIFY(evaluation.preferences);
    QCOMPARE(evaluation.preferences->pairs, std::int64_t(48));
    QVERIFY(std::abs(evaluation.preferences->accuracy - result.test->accuracy) < 1e-9);
    QVERIFY(std::abs(evaluation.preferences->reward_gap - report["metrics"]["test"]["reward_gap"].get<double>()) <
            1e-4);
    QVERIFY(evaluation_to_html(evaluation).find("preference accuracy (pairs ordered right)") != std::string::npos);
    auto resumed = ExperimentRun::resume(judge, 7);
    QCOMPARE(resumed->train().outcome.epochs_completed, std::int64_t(7));
  }
};

CRADLE_REGISTER_TEST(FineTuningTest);

}  // namespace cradle::test

#include "fine_tuning_test.moc"
