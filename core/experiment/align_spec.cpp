#include "core/experiment/align_spec.h"

#include "core/align/programmatic_reward.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace cradle {

bool stage_has_align_section(Stage stage) {
  return stage == Stage::Reward || stage == Stage::Dpo || stage == Stage::Ppo;
}

AlignSpec parse_align_spec(JsonObjectReader r, Stage stage) {
  AlignSpec a;
  const std::vector<std::pair<const char*, Stage>> owners = {{"margin", Stage::Reward},
                                                             {"beta", Stage::Dpo},
                                                             {"label_smoothing", Stage::Dpo},
                                                             {"reward_run", Stage::Ppo},
                                                             {"reward_function", Stage::Ppo},
                                                             {"max_new_tokens", Stage::Ppo},
                                                             {"generation_batch", Stage::Ppo},
                                                             {"temperature", Stage::Ppo},
                                                             {"top_k", Stage::Ppo},
                                                             {"top_p", Stage::Ppo},
                                                             {"missing_end_penalty", Stage::Ppo},
                                                             {"kl_control", Stage::Ppo},
                                                             {"kl_coef", Stage::Ppo},
                                                             {"kl_target", Stage::Ppo},
                                                             {"kl_horizon", Stage::Ppo},
                                                             {"gamma", Stage::Ppo},
                                                             {"lambda", Stage::Ppo},
                                                             {"whiten_advantages", Stage::Ppo},
                                                             {"clip_range", Stage::Ppo},
                                                             {"value_clip_range", Stage::Ppo},
                                                             {"value_loss_coef", Stage::Ppo},
                                                             {"ppo_epochs", Stage::Ppo},
                                                             {"minibatch_size", Stage::Ppo},
                                                             {"logged_samples", Stage::Ppo}};
  for (const auto& [key, owner] : owners)
    if (r.has(key) && stage != owner) r.fail_not_used_by(key, "stage", {to_string(owner)}, to_string(stage));
  if (stage == Stage::Reward) {
    a.margin = r.number("margin", a.margin, Range::at_least(0));
  } else if (stage == Stage::Dpo) {
    a.beta = r.number("beta", a.beta, Range::greater_than(0));
    a.label_smoothing = r.number("label_smoothing", a.label_smoothing, {0.0, 0.5, false, true});
  } else if (stage == Stage::Ppo) {
    a.reward_run = r.string("reward_run", "");
    if (const Json* function = r.raw("reward_function")) {
      if (!function->is_object())
        r.fail("reward_function", "expected an object such as {\"type\": \"length\", \"target\": 12}");
      // Checked now, so a bad reward fails before any training; kept canonical.
      a.reward_function = parse_reward_function(*function, r.path_of("reward_function"))->to_json();
    }
    if (a.reward_run.empty() == a.reward_function.is_null())
      r.fail("reward_run",
             "the PPO stage needs exactly one of align.reward_run (a reward run's folder) and "
             "align.reward_function (a programmatic reward)");
    a.max_new_tokens = r.integer("max_new_tokens", a.max_new_tokens, Range::between(1, 1 << 16));
    a.generation_batch = r.integer("generation_batch", a.generation_batch, Range::between(0, 1 << 16));
    a.temperature = r.number("temperature", a.temperature, Range::greater_than(0));
    a.top_k = r.integer("top_k", a.top_k, Range::at_least(0));
    a.top_p = r.number("top_p", a.top_p, {0.0, 1.0, true, false});
    a.missing_end_penalty = r.number("missing_end_penalty", a.missing_end_penalty, Range::at_least(0));
    a.kl_control = r.choice("kl_control", a.kl_control, {"adaptive", "fixed"});
    a.kl_coef = r.number("kl_coef", a.kl_coef, Range::at_least(0));
    a.kl_target = r.number("kl_target", a.kl_target, Range::greater_than(0));
    a.kl_horizon = r.number("kl_horizon", a.kl_horizon, Range::greater_than(0));
    a.gamma = r.number("gamma", a.gamma, Range::between(0, 1));
    a.lambda = r.number("lambda", a.lambda, Range::between(0, 1));
    a.whiten_advantages = r.boolean("whiten_advantages", a.whiten_advantages);
    a.clip_range = r.number("clip_range", a.clip_range, Range::greater_than(0));
    a.value_clip_range = r.number("value_clip_range", a.value_clip_range, Range::greater_than(0));
    a.value_loss_coef = r.number("value_loss_coef", a.value_loss_coef, Range::at_least(0));
    a.ppo_epochs = r.integer("ppo_epochs", a.ppo_epochs, Range::between(1, 1000));
    a.minibatch_size = r.integer("minibatch_size", a.minibatch_size, Range::between(1, 1 << 20));
    a.logged_samples = r.integer("logged_samples", a.logged_samples, Range::between(0, 1000));
  }
  r.finish();
  return a;
}

Json align_spec_to_json(const AlignSpec& a, Stage stage) {
  Json j = Json::object();
  if (stage == Stage::Reward) {
    j["margin"] = a.margin;
  } else if (stage == Stage::Dpo) {
    j["beta"] = a.beta;
    j["label_smoothing"] = a.label_smoothing;
  } else if (stage == Stage::Ppo) {
    if (!a.reward_run.empty())
      j["reward_run"] = a.reward_run;
    else
      j["reward_function"] = a.reward_function;
    j["max_new_tokens"] = a.max_new_tokens;
    j["generation_batch"] = a.generation_batch;
    j["temperature"] = a.temperature;
    j["top_k"] = a.top_k;
    j["top_p"] = a.top_p;
    j["missing_end_penalty"] = a.missing_end_penalty;
    j["kl_control"] = a.kl_control;
    j["kl_coef"] = a.kl_coef;
    j["kl_target"] = a.kl_target;
    j["kl_horizon"] = a.kl_horizon;
    j["gamma"] = a.gamma;
    j["lambda"] = a.lambda;
    j["whiten_advantages"] = a.whiten_advantages;
    j["clip_range"] = a.clip_range;
    j["value_clip_range"] = a.value_clip_range;
    j["value_loss_coef"] = a.value_loss_coef;
    j["ppo_epochs"] = a.ppo_epochs;
    j["minibatch_size"] = a.minibatch_size;
    j["logged_samples"] = a.logged_samples;
  }
  return j;
}

}  // namespace cradle
