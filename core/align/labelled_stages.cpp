#include "core/align/labelled_stages.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/hub/hub_model.h"
#include "core/run/run_folder.h"
#include "core/run/run_weights.h"
#include "core/text/conversation_records.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

constexpr double kTestFraction = 0.1, kValidationFraction = 0.1;

Json data_section(const std::string& source, const fs::path& file, const Experiment& policy) {
  return {{"source", source},
          {"paths", Json::array({fs::absolute(file).lexically_normal().string()})},
          {"include", Json::array({"*.jsonl"})},
          {"context_length", policy.data.context_length},
          {"test_fraction", kTestFraction},
          {"validation_fraction", kValidationFraction}};
}

// AdamW with a cosine schedule, for about `target_steps` steps however few the
// pairs are (small label sets are seen many times, large ones at least `min_epochs` times).
Json preference_training(std::int64_t pairs, double lr, std::int64_t target_steps, std::int64_t min_epochs) {
  const auto train_pairs =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(static_cast<double>(pairs) * (1 - kTestFraction) *
                                                                     (1 - kValidationFraction))));
  const std::int64_t batch = std::min<std::int64_t>(16, train_pairs);
  const std::int64_t steps_per_epoch = (train_pairs + batch - 1) / batch;
  const std::int64_t epochs =
      std::clamp<std::int64_t>((target_steps + steps_per_epoch - 1) / steps_per_epoch, min_epochs, 60);
  const std::int64_t warmup = std::min<std::int64_t>(20, epochs * steps_per_epoch / 10);
  return {{"epochs", epochs},
          {"batch_size", batch},
          {"optimizer", "adamw"},
          {"lr", lr},
          {"weight_decay", 0.01},
          {"clip_grad_norm", 1.0},
          {"schedule", {{"type", "cosine"}, {"warmup_steps", warmup}, {"min_lr", lr / 10}}},
          {"log_every", std::clamp<std::int64_t>(steps_per_epoch, 1, 20)}};
}

}  // namespace

std::int64_t decided_pairs(const fs::path& labels) {
  const auto set = parse_preference_jsonl(read_file(labels), labels.string());
  const auto decided = static_cast<std::int64_t>(set.pairs.size());
  if (decided < kMinimumLabelledPairs)
    throw ConfigError(
        labels.string() + ": " + std::to_string(decided) + " decided pairs (" + std::to_string(set.undecided) +
        " ties and skips left out); a reward model or DPO needs at least " + std::to_string(kMinimumLabelledPairs));
  return decided;
}

std::string describe_non_chat_run(const Experiment& run) {
  if (run.task != Task::LanguageModel) return "a " + to_string(run.task) + " run";
  return "a " + (run.stage == Stage::Pretrain ? std::string("pretrained") : to_string(run.stage)) +
         " language model (stage " + to_string(run.stage) + ")";
}

Json labelled_stage_experiment(const LabelledStageRequest& r) {
  if (r.stage != Stage::Reward && r.stage != Stage::Dpo && r.stage != Stage::Ppo)
    throw ConfigError("stage \"" + to_string(r.stage) + "\": the rating panel writes reward, dpo or ppo experiments");
  // A model folder is tuned as it is (its own chat template), a run as its stage left it.
  const bool model_folder = is_hub_model_folder(r.policy_run);
  Experiment policy = model_folder ? model_folder_experiment(r.policy_run)
                                   : load_experiment(open_run_folder(r.policy_run).experiment_file());
  if (model_folder) policy.data.context_length = std::min<std::int64_t>(policy.data.context_length, 512);
  if (!model_folder && !is_chat_policy(policy))
    throw ConfigError(r.policy_run.string() + ": " + describe_non_chat_run(policy) + ", not a chat model; " +
                      to_string(r.stage) + " starts from a chat model (an sft, dpo or ppo run)");
  const std::string policy_run = fs::absolute(r.policy_run).lexically_normal().string();
  Json doc = {{"format_version", kExperimentFormatVersion},
              {"name", r.name},
              {"task", "language_model"},
              {"seed", policy.seed},
              {"threads", policy.threads},
              {"device", policy.device},
              {"stage", to_string(r.stage)},
              {"init_from", policy_run}};
  if (r.stage == Stage::Reward || r.stage == Stage::Dpo) {
    const auto pairs = decided_pairs(r.labels);
    doc["description"] = (r.stage == Stage::Reward ? "A reward model on " : "Direct preference optimisation of ") +
                         policy_run + " from " + std::to_string(pairs) + " pairs labelled in the rating panel (" +
                         fs::absolute(r.labels).lexically_normal().string() + ").";
    doc["data"] = data_section("preferences", r.labels, policy);
    if (r.stage == Stage::Reward) {
      doc["train"] = preference_training(pairs, 3e-4, 60, 4);
      doc["align"] = {{"margin", 0.0}};
    } else {
      doc["train"] = preference_training(pairs, 1e-4, 40, 2);
      doc["align"] = {{"beta", 0.1}, {"label_smoothing", 0.0}};
    }
  } else {
    if (r.reward_run.empty()) throw ConfigError("ppo: no reward run (train a reward model first)");
    const Experiment reward = load_experiment(open_run_folder(r.reward_run).experiment_file());
    if (!is_reward_modelling(reward))
      throw ConfigError(r.reward_run.string() + ": a stage \"" + to_string(reward.stage) +
                        "\" run, not a reward model");
    const std::string reward_run = fs::absolute(r.reward_run).lexically_normal().string();
    doc["description"] = "PPO of " + policy_run + " against the reward model " + reward_run + " on the prompts of " +
                         fs::absolute(r.prompts).lexically_normal().string() + ".";
    doc["data"] = data_section("prompts", r.prompts, policy);
    // The alignment demo's settings: a short run, so the adaptive KL controller
    // starts from beta 0.5 and reacts over 500 samples rather than TRL's 10,000.
    doc["train"] = {{"epochs", 2},
                    {"batch_size", 16},
                    {"optimizer", "adamw"},
                    {"lr", 1e-5},
                    {"weight_decay", 0.01},
                    {"clip_grad_norm", 1.0},
                    {"schedule", {{"type", "constant"}, {"warmup_steps", 0}}},
                    {"log_every", 1}};
    doc["align"] = {{"reward_run", reward_run}, {"max_new_tokens", r.max_new_tokens},
                    {"kl_control", "adaptive"}, {"kl_coef", 0.5},
                    {"kl_target", 6.0},         {"kl_horizon", 500.0},
                    {"value_loss_coef", 0.1},   {"ppo_epochs", 4},
                    {"minibatch_size", 4}};
    doc["eval"] = {{"batch_size", 64}};
  }
  // A Hugging Face model (the folder, or a run tuned from one) is tuned with LoRA: a
  // fraction of the memory, and DPO's and PPO's reference is the policy with its adapters off.
  if (policy.model.is_pretrained()) doc["train"]["lora"] = {{"rank", 8}, {"alpha", 16}, {"dropout", 0.05}};
  return experiment_to_json(parse_experiment(doc));
}

}  // namespace cradle
