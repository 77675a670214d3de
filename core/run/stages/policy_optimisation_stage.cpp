// Stage "ppo" of task "language_model": proximal policy optimisation — the
// policy (a fine-tuned GPT, or a Hugging Face model from its folder or tuned
// from one, with a value head) answers prompts in its chat format, a reward
// run or rule scores the answers, and the policy is moved towards higher
// scores while a KL penalty keeps it near its frozen reference. With
// train.lora only the adapters and the value head train, and the reference is
// the policy with its adapters switched off. It has its own loop (rollouts,
// not batches of a dataset: core/align/ppo_trainer.h) and trains in one process.
#include <stdexcept>

#include "core/align/policy_value_model.h"
#include "core/align/ppo_trainer.h"
#include "core/align/response_scorer.h"
#include "core/common/error.h"
#include "core/data/prompt_data.h"
#include "core/models/model_factory.h"
#include "core/run/pretrained_tuning.h"
#include "core/run/run_chat_format.h"
#include "core/run/run_weights.h"
#include "core/run/stages/base_run.h"
#include "core/run/stages/stage_registry.h"

namespace cradle {
namespace {

class PolicyOptimisationStage : public StageRunner {
 public:
  bool keeps_tokenizer() const override { return true; }

  void check_data_parallel() const override {
    throw ConfigError(
        "stage \"ppo\" trains in one process (its rollouts are not sharded between ranks); run it "
        "without --nproc or WORLD_SIZE");
  }
  void check_learning_rate_override() const override {
    throw ConfigError("stage ppo has no learning-rate override: its steps are rollouts");
  }

  void load(StageContext& c) override {
    base_ = adopt_base_run(c, {"PPO tunes a GPT or a Hugging Face model", true});
    const Experiment& e = c.experiment;
    if (e.align.max_new_tokens >= e.data.context_length)
      throw ConfigError("align.max_new_tokens: " + std::to_string(e.align.max_new_tokens) +
                        " leaves no room for the prompt in data.context_length " +
                        std::to_string(e.data.context_length));
    prompts_ = load_prompt_data(e, base_.tokenizer, run_chat_format(e.model, base_.tokenizer));
    tokenizer_ = prompts_.tokenizer;
    input_shape_ = {e.data.context_length};
    outputs_ = tokenizer_->vocab_size();
    scorer_ = make_response_scorer(e, c.device);  // a bad reward run fails before the folder exists
  }

  void build(StageContext& c) override {
    model_ = build_model(c.experiment.model, input_shape_, outputs_, {});  // a model folder's come with it
    if (!c.resuming && !base_.weights.empty()) load_weights_file(base_.weights, *model_);  // a checkpoint has its own
    tuning_ = prepare_pretrained_tuning(model_, c.experiment.model, c.experiment.train, c.device);
  }

  void enter_folder(StageContext& c) override {
    if (!tuning_.lora) reference_ = load_reference_policy(c, base_, input_shape_, outputs_);
  }

  void describe(const StageContext& c) const override {
    const auto& d = prompts_;
    const auto& a = c.experiment.align;
    c.log("PPO from " + c.experiment.init_from + " against the " + scorer_->description() + ": " +
          std::to_string(d.train.size()) + " training prompts from " + std::to_string(d.files.size()) + " file(s), " +
          std::to_string(d.skipped.size()) + " bad lines skipped; KL " + a.kl_control + " (coefficient " +
          Json(a.kl_coef).dump() +
          (a.kl_control == "adaptive" ? ", target " + Json(a.kl_target).dump() + " nats" : "") + "), " +
          std::to_string(a.ppo_epochs) + " PPO epochs over minibatches of " + std::to_string(a.minibatch_size) + "; " +
          d.format->name() + (tuning_.lora ? "; the reference is the policy with its adapters off" : ""));
    if (!tuning_.describe().empty()) c.log(tuning_.describe());
  }

  void report_setup(const StageContext& c, Json& report) const override {
    const auto& d = prompts_;
    report["stage"] = "ppo";
    report["init_from"] = c.experiment.init_from;
    report["reward"] = scorer_->description();
    report["data"] = Json{{"files", d.files},
                          {"train_prompts", d.train.size()},
                          {"validation_prompts", d.validation.size()},
                          {"test_prompts", d.test.size()},
                          {"skipped_lines", d.skipped.size()}};
    tuning_.report(report);
  }

  // A LoRA run keeps its adapters in peft's layout; model.pt gets them folded in (the value head is left out).
  void finish_model(const StageContext& c) override {
    if (tuning_.lora) c.log(save_and_merge_adapters(model_, adapter_base_model(c.experiment), c.folder.adapter_dir()));
  }

  TrainingLoop prepare_training(const StageContext& c, TrainerSetup shared,
                                const std::vector<TrainingObserver*>& observers) override {
    PpoSetup setup;
    setup.checkpoint_dir = c.folder.checkpoint_dir();
    setup.stop = shared.stop;
    setup.device = shared.device;
    setup.resume_from = shared.resume_from;
    setup.control = shared.control;
    setup.samples_file = c.folder.samples_file();
    auto trainer = std::make_shared<PpoTrainer>(c.experiment, PolicyValueModel(model_, c.experiment.model.width),
                                                reference_, *scorer_, prompts_, setup);
    for (auto* observer : observers) trainer->add_observer(*observer);
    return [trainer] { return trainer->run(); };
  }

  std::int64_t train_samples() const override { return static_cast<std::int64_t>(prompts_.train.size()); }
  const std::vector<std::string>& skipped() const override { return prompts_.skipped; }

 protected:
  const DataSplits& data() const override {
    throw std::logic_error("stage ppo reads prompts, not splits of samples");  // prepare_training is its own
  }

 private:
  BaseRun base_;
  PromptData prompts_;
  std::unique_ptr<ResponseScorer> scorer_;
  torch::nn::Sequential reference_{nullptr};  // null with LoRA: the policy's adapters switched off
  PretrainedTuning tuning_;
};

}  // namespace

std::unique_ptr<StageRunner> make_policy_optimisation_stage() { return std::make_unique<PolicyOptimisationStage>(); }

}  // namespace cradle
