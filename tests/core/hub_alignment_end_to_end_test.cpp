// The ChatGPT recipe on a Hugging Face model, end to end, with LoRA at every
// stage: a tiny Llama-family folder (ChatML, written in the Hub's layout) is
// tuned on the alignment demo's instructions (sft), a reward model and DPO are
// trained on its preference pairs, PPO tunes the DPO run against the reward
// model, and the result is exported as a Hub folder and as a GGUF file. The
// exports answer with the run's own greedy text in the independent references
// (tests/reference: the Llama architecture from its published description, and
// a GGUF reader and runner written from ggml's), and Cradle reads its Hub
// export back with the same answer.
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

#include "core/common/file_io.h"
#include "core/eval/text_generation.h"
#include "core/hub/hub_folder_export.h"
#include "core/hub/hub_gguf_export.h"
#include "core/hub/hub_tokenizer.h"
#include "core/run/experiment_run.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_hub_model.h"
#include "core/run/run_weights.h"
#include "core/train/runtime.h"
#include "tests/core/tiny_hub_folder.h"
#include "tests/support/test_registry.h"

namespace cradle::test {
namespace {
namespace fs = std::filesystem;

const std::string kDemoData = CRADLE_SOURCE_DIR "/projects/alignment-demo/data/";

// One stage of the recipe on the demo's data, with LoRA over a float32 base.
Json demo_stage(const std::string& stage, const fs::path& init_from, const std::string& source, const std::string& file,
                double lr) {
  return {{"name", stage},
          {"task", "language_model"},
          {"stage", stage},
          {"threads", 2},
          {"init_from", init_from.string()},
          {"data",
           {{"source", source},
            {"paths", Json::array({kDemoData + file})},
            {"context_length", 96},
            {"test_fraction", 0.1},
            {"validation_fraction", 0.1}}},
          {"train",
           {{"epochs", 1},
            {"batch_size", 16},
            {"lr", lr},
            {"log_every", 10},
            {"lora", {{"rank", 8}, {"alpha", 16}, {"dropout", 0.0}, {"base_dtype", "float32"}}}}}};
}

// The greedy tokens the run's own model writes after `prompt`, not stopping at its end of turn.
std::vector<std::int64_t> greedy_tokens(torch::nn::Sequential model, const std::vector<std::int64_t>& prompt,
                                        std::int64_t context, std::int64_t count) {
  SamplingOptions options;
  options.temperature = 0;
  options.max_new_tokens = count;
  options.stop_at_end_of_text = false;
  return generate_tokens(model, prompt, context, options);
}

}  // namespace

class HubAlignmentEndToEndTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { configure_runtime(2); }

  void sftRewardDpoPpoThenExportsAnswerAlike() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString(), folder = root / "tiny-instruct";
    write_tiny_chat_model_folder(folder);

    Json sft = demo_stage("sft", folder, "dialogues", "instructions.jsonl", 0.01);
    sft["train"]["epochs"] = 2;
    const auto sft_result = ExperimentRun(parse_experiment(sft), root / "sft").train();
    Json reward = demo_stage("reward", root / "sft", "preferences", "preferences.jsonl", 0.003);
    reward["data"]["max_train_samples"] = 256;
    const auto reward_result = ExperimentRun(parse_experiment(reward), root / "reward").train();
    Json dpo = demo_stage("dpo", root / "sft", "preferences", "preferences.jsonl", 0.005);
    dpo["data"]["max_train_samples"] = 256;
    dpo["align"] = {{"beta", 0.1}};
    const auto dpo_result = ExperimentRun(parse_experiment(dpo), root / "dpo").train();
    Json ppo = demo_stage("ppo", root / "dpo", "prompts", "instructions.jsonl", 0.001);
    ppo["data"]["max_train_samples"] = 32;
    ppo["train"]["clip_grad_norm"] = 1.0;
    ppo["align"] = {
        {"reward_run", (root / "reward").string()}, {"max_new_tokens", 12}, {"ppo_epochs", 2}, {"minibatch_size", 8}};
    ppo["eval"] = {{"batch_size", 64}};
    const auto ppo_result = ExperimentRun(parse_experiment(ppo), root / "ppo").train();
    qInfo("sft validation loss %.3f; reward test accuracy %.3f; DPO test accuracy %.3f; PPO test score %.3f",
          sft_result.validation->loss, reward_result.test->accuracy, dpo_result.test->accuracy,
          ppo_result.test ? ppo_result.test->loss * -1 : std::nan(""));
    // The demo's pairs differ in a way the model sees: both preference stages order held-out pairs well.
    QVERIFY(reward_result.test->accuracy >= 0.8);
    QVERIFY(dpo_result.test->accuracy >= 0.8);
    for (const char* stage : {"sft", "dpo", "ppo"})
      QVERIFY2(fs::exists(root / stage / "adapter" / "adapter_model.safetensors"), stage);
    const Json ppo_adapter = Json::parse(read_file(root / "ppo" / "adapter" / "adapter_config.json"));
    QCOMPARE(ppo_adapter["base_model_name_or_path"].get<std::string>(), (root / "dpo").string());

    // The tuned model's answer to one of the demo's instructions, in its chat template.
    const RunLanguageModel tuned = load_run_language_model(root / "ppo");
    const auto format = run_chat_format(tuned.experiment.model, tuned.tokenizer);
    const std::vector<std::int64_t> prompt = format->prompt({{"user", "Say ship twice."}});
    const std::int64_t count = 16;
    const auto answer = greedy_tokens(tuned.model, prompt, 128, count);
    QCOMPARE(static_cast<std::int64_t>(answer.size()), count);

    // Exported as the Hub lays a model out, and as llama.cpp reads one (float32 tensors).
    const HubModel hub = load_run_hub_model(root / "ppo");
    export_hub_folder(hub, root / "export-hf", {});
    GgufExportOptions gguf;
    gguf.type = GgmlType::F32;
    export_hub_gguf(hub, *HubTokenizer::load(hub.folder), gguf, root / "tuned.gguf");

    // The independent Llama reference on the Hub export: the same greedy tokens.
    const auto hf = run_reference_script("hub_llama_reference.py",
                                         {(root / "export-hf").string(), comma_joined(prompt), std::to_string(count)});
    QCOMPARE(hf.greedy, answer);
    // The GGUF runner given prompt and answer: at every step the answer's token is its likeliest.
    std::vector<std::int64_t> whole = prompt;
    whole.insert(whole.end(), answer.begin(), answer.end() - 1);
    const auto from_gguf =
        run_reference_script("gguf_reference.py", {(root / "tuned.gguf").string(), comma_joined(whole)});
    const auto picked = from_gguf.logits.argmax(-1);
    for (std::int64_t i = 0; i < count; ++i)
      QCOMPARE(picked[static_cast<std::int64_t>(prompt.size()) - 1 + i].item<std::int64_t>(),
               answer[static_cast<std::size_t>(i)]);
    // Cradle reads its own Hub export back with the same answer.
    const RunLanguageModel reread = load_model_folder_language_model(root / "export-hf");
    QCOMPARE(greedy_tokens(reread.model, prompt, 128, count), answer);
  }
};

CRADLE_REGISTER_TEST(HubAlignmentEndToEndTest);

}  // namespace cradle::test

#include "hub_alignment_end_to_end_test.moc"
