#include "core/experiment/train_spec.h"

#include <algorithm>
#include <stdexcept>

namespace cradle {

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::Float32: return "float32";
    case Precision::Bfloat16: return "bfloat16";
  }
  throw std::logic_error("to_string(Precision): a value outside the enumeration");
}

namespace {

// Each optimizer's own fields; another optimizer's field is an error.
const std::vector<std::pair<const char*, std::vector<std::string>>>& optimizer_fields() {
  static const std::vector<std::pair<const char*, std::vector<std::string>>> fields = {
      {"momentum", {"sgd", "rmsprop"}},
      {"nesterov", {"sgd"}},
      {"betas", {"adam", "adamw"}},
      {"eps", {"adagrad", "adadelta", "rmsprop", "adam", "adamw"}},
      {"rho", {"adadelta"}},
      {"alpha", {"rmsprop"}}};
  return fields;
}

bool uses(const std::string& optimizer, const char* field) {
  for (const auto& [name, owners] : optimizer_fields())
    if (name == std::string(field)) return std::find(owners.begin(), owners.end(), optimizer) != owners.end();
  return false;
}

double default_eps(const std::string& optimizer) {
  return optimizer == "adagrad" ? 1e-10 : optimizer == "adadelta" ? 1e-6 : 1e-8;
}

ScheduleSpec parse_schedule(JsonObjectReader r) {
  ScheduleSpec s;
  s.type = r.choice("type", s.type, {"constant", "step", "exponential", "cosine", "linear", "one_cycle", "plateau"});
  const auto only = [&](const char* key, std::vector<std::string> types) {
    if (r.has(key) && std::find(types.begin(), types.end(), s.type) == types.end())
      r.fail_not_used_by(key, "schedule type", types, s.type);
  };
  only("warmup_steps", {"constant", "step", "exponential", "cosine", "linear", "plateau"});
  only("step_epochs", {"step"});
  only("gamma", {"step", "exponential"});
  only("min_lr", {"cosine", "linear", "plateau"});
  for (const char* key : {"pct_start", "div_factor", "final_div_factor"}) only(key, {"one_cycle"});
  for (const char* key : {"factor", "patience", "min_delta"}) only(key, {"plateau"});
  if (s.type != "one_cycle") s.warmup_steps = r.integer("warmup_steps", s.warmup_steps, Range::at_least(0));
  if (s.type == "step") {
    s.step_epochs = r.integer("step_epochs", s.step_epochs, Range::at_least(1));
    s.gamma = r.number("gamma", 0.1, {0.0, 1.0, true, false});
  }
  if (s.type == "exponential") s.gamma = r.number("gamma", 0.95, {0.0, 1.0, true, false});
  if (s.type == "cosine" || s.type == "linear" || s.type == "plateau")
    s.min_lr = r.number("min_lr", s.min_lr, Range::at_least(0));
  if (s.type == "one_cycle") {
    s.pct_start = r.number("pct_start", s.pct_start, {0.0, 1.0, true, true});
    s.div_factor = r.number("div_factor", s.div_factor, Range::at_least(1));
    s.final_div_factor = r.number("final_div_factor", s.final_div_factor, Range::at_least(1));
  }
  if (s.type == "plateau") {
    s.factor = r.number("factor", s.factor, {0.0, 1.0, true, true});
    s.patience = r.integer("patience", s.patience, Range::at_least(0));
    s.min_delta = r.number("min_delta", s.min_delta, Range::at_least(0));
  }
  r.finish();
  return s;
}

Json schedule_to_json(const ScheduleSpec& s) {
  Json j = {{"type", s.type}};
  if (s.type != "one_cycle") j["warmup_steps"] = s.warmup_steps;
  if (s.type == "step") j["step_epochs"] = s.step_epochs;
  if (s.type == "step" || s.type == "exponential") j["gamma"] = s.gamma;
  if (s.type == "one_cycle") {
    j["pct_start"] = s.pct_start;
    j["div_factor"] = s.div_factor;
    j["final_div_factor"] = s.final_div_factor;
  }
  if (s.type == "plateau") {
    j["factor"] = s.factor;
    j["patience"] = s.patience;
    j["min_delta"] = s.min_delta;
  }
  if (s.type == "cosine" || s.type == "linear" || s.type == "plateau") j["min_lr"] = s.min_lr;
  return j;
}

EarlyStoppingSpec parse_early_stopping(JsonObjectReader r, Task task) {
  EarlyStoppingSpec s;
  s.enabled = true;
  s.metric = r.choice("metric", s.metric,
                      {"validation_loss", "validation_accuracy", "validation_mae", "validation_rmse", "validation_r2"});
  const bool regression_metric =
      s.metric == "validation_mae" || s.metric == "validation_rmse" || s.metric == "validation_r2";
  if (regression_metric && task != Task::Regression)
    r.fail("metric", "\"" + s.metric + "\" is measured for task \"regression\" only, not \"" + to_string(task) + "\"");
  if (s.metric == "validation_accuracy" && task == Task::Regression)
    r.fail(
        "metric",
        "task \"regression\" has no accuracy; use validation_loss, validation_mae, validation_rmse or validation_r2");
  s.patience = r.integer("patience", s.patience, Range::at_least(1));
  s.min_delta = r.number("min_delta", s.min_delta, Range::at_least(0));
  s.restore_best = r.boolean("restore_best", s.restore_best);
  r.finish();
  return s;
}

// train.lora: rank, alpha, dropout, rank_stabilised and target_modules as
// peft writes them (a list of names, or one string: a regular expression or "all-linear").
LoraSpec parse_lora(JsonObjectReader r) {
  LoraSpec lora;
  lora.enabled = true;
  LoraOptions& o = lora.options;
  o.rank = r.integer("rank", o.rank, Range::between(1, 4096));
  o.alpha = r.number("alpha", o.alpha, Range::greater_than(0));
  o.dropout = r.number("dropout", o.dropout, {0.0, 1.0, false, true});
  o.rank_stabilised = r.boolean("rank_stabilised", o.rank_stabilised);
  lora.base_dtype = r.choice("base_dtype", lora.base_dtype, {"auto", "float32", "bfloat16"});
  if (const Json* targets = r.raw("target_modules")) {
    if (targets->is_string()) {
      lora.targets.pattern = targets->get<std::string>();
      if (lora.targets.pattern.empty()) r.fail("target_modules", "an empty pattern matches no projection");
    } else {
      lora.targets.names = r.strings("target_modules", {});
      if (lora.targets.names.empty())
        r.fail("target_modules", "name at least one projection (\"q_proj\"), or leave it out for the defaults");
    }
  }
  r.finish();
  return lora;
}

Json lora_to_json(const LoraSpec& lora) {
  Json out = {{"rank", lora.options.rank},
              {"alpha", lora.options.alpha},
              {"dropout", lora.options.dropout},
              {"rank_stabilised", lora.options.rank_stabilised},
              {"base_dtype", lora.base_dtype}};
  if (!lora.targets.names.empty()) out["target_modules"] = lora.targets.names;
  if (!lora.targets.pattern.empty()) out["target_modules"] = lora.targets.pattern;
  return out;
}

}  // namespace

std::int64_t log_interval(std::int64_t log_every, std::int64_t steps_per_epoch) {
  return std::max<std::int64_t>(1, std::min(log_every, steps_per_epoch / kMinLogPointsPerEpoch));
}

TrainSpec parse_train_spec(JsonObjectReader r, Task task) {
  TrainSpec t;
  if (task == Task::Regression)
    t.loss = r.choice("loss", t.loss, {"mse", "mae"});
  else if (r.has("loss"))
    r.fail("loss", "only used by task \"regression\" (classifiers use cross-entropy)");
  t.epochs = r.integer("epochs", t.epochs, Range::between(1, 100000));
  t.batch_size = r.integer("batch_size", t.batch_size, Range::between(1, 1 << 20));
  t.optimizer = r.choice("optimizer", t.optimizer, {"sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamw"});
  t.lr = r.number("lr", t.optimizer == "adadelta" ? 1.0 : t.lr, Range::greater_than(0));
  for (const auto& [key, owners] : optimizer_fields())
    if (r.has(key) && !uses(t.optimizer, key)) r.fail_not_used_by(key, "optimizer", owners, t.optimizer);
  if (uses(t.optimizer, "momentum"))
    t.momentum = r.number("momentum", t.optimizer == "sgd" ? 0.9 : 0.0, {0.0, 1.0, false, true});
  if (uses(t.optimizer, "nesterov")) {
    t.nesterov = r.boolean("nesterov", t.nesterov);
    if (t.nesterov && t.momentum == 0) r.fail("nesterov", "needs train.momentum above 0");
  }
  if (uses(t.optimizer, "betas")) {
    const auto betas = r.numbers("betas", t.betas, {0.0, 1.0, false, true});
    if (betas.size() != 2) r.fail("betas", "expected [beta1, beta2], got " + std::to_string(betas.size()) + " numbers");
    t.betas = betas;
  }
  if (uses(t.optimizer, "eps")) t.eps = r.number("eps", default_eps(t.optimizer), Range::greater_than(0));
  if (uses(t.optimizer, "rho")) t.rho = r.number("rho", t.rho, {0.0, 1.0, false, true});
  if (uses(t.optimizer, "alpha")) t.alpha = r.number("alpha", t.alpha, {0.0, 1.0, false, true});
  t.weight_decay = r.number("weight_decay", t.optimizer == "adamw" ? 0.01 : 0.0, Range::at_least(0));
  t.l1 = r.number("l1", t.l1, Range::at_least(0));
  if (task != Task::Regression)
    t.label_smoothing = r.number("label_smoothing", t.label_smoothing, {0.0, 1.0, false, true});
  else if (r.has("label_smoothing"))
    r.fail("label_smoothing", "only used by tasks with classes, not \"regression\"");
  t.clip_grad_norm = r.number("clip_grad_norm", t.clip_grad_norm, Range::at_least(0));
  t.accumulate_steps = r.integer("accumulate_steps", t.accumulate_steps, Range::between(1, 1 << 16));
  t.precision = r.choice("precision", to_string(t.precision), {"float32", "bfloat16"}) == "bfloat16"
                    ? Precision::Bfloat16
                    : Precision::Float32;
  t.schedule = parse_schedule(r.object("schedule"));
  if (r.has("early_stopping")) t.early_stopping = parse_early_stopping(r.object("early_stopping"), task);
  if (r.has("freeze")) {
    JsonObjectReader f = r.object("freeze");
    t.freeze.layers = f.strings("layers", {});
    if (t.freeze.layers.empty()) f.fail("layers", "name at least one layer pattern (\"conv*\"), or leave freeze out");
    t.freeze.until_epoch = f.integer("until_epoch", 0, Range::at_least(0));
    f.finish();
  }
  for (auto& group : r.objects("layer_lr")) {
    LayerRateSpec rate;
    rate.layers = group.strings("layers", {});
    if (rate.layers.empty()) group.fail("layers", "name at least one layer pattern");
    rate.scale = group.number("scale", 1.0, Range::greater_than(0));
    group.finish();
    t.layer_lr.push_back(std::move(rate));
  }
  if (r.has("lora")) t.lora = parse_lora(r.object("lora"));
  t.gradient_checkpointing = r.boolean("gradient_checkpointing", t.gradient_checkpointing);
  t.log_every = r.integer("log_every", t.log_every, Range::at_least(1));
  t.keep_checkpoints = r.integer("keep_checkpoints", t.keep_checkpoints, Range::at_least(0));
  r.finish();
  return t;
}

Json train_spec_to_json(const TrainSpec& t, Task task) {
  Json train = Json::object();
  train["epochs"] = t.epochs;
  train["batch_size"] = t.batch_size;
  if (task == Task::Regression) train["loss"] = t.loss;
  train["optimizer"] = t.optimizer;
  train["lr"] = t.lr;
  if (uses(t.optimizer, "momentum")) train["momentum"] = t.momentum;
  if (uses(t.optimizer, "nesterov")) train["nesterov"] = t.nesterov;
  if (uses(t.optimizer, "betas")) train["betas"] = t.betas;
  if (uses(t.optimizer, "eps")) train["eps"] = t.eps;
  if (uses(t.optimizer, "rho")) train["rho"] = t.rho;
  if (uses(t.optimizer, "alpha")) train["alpha"] = t.alpha;
  train["weight_decay"] = t.weight_decay;
  train["l1"] = t.l1;
  if (task != Task::Regression) train["label_smoothing"] = t.label_smoothing;
  train["clip_grad_norm"] = t.clip_grad_norm;
  train["accumulate_steps"] = t.accumulate_steps;
  train["precision"] = to_string(t.precision);
  train["schedule"] = schedule_to_json(t.schedule);
  if (t.early_stopping.enabled) {
    const auto& s = t.early_stopping;
    train["early_stopping"] = {
        {"metric", s.metric}, {"patience", s.patience}, {"min_delta", s.min_delta}, {"restore_best", s.restore_best}};
  }
  if (!t.freeze.layers.empty()) train["freeze"] = {{"layers", t.freeze.layers}, {"until_epoch", t.freeze.until_epoch}};
  if (!t.layer_lr.empty()) {
    Json groups = Json::array();
    for (const auto& g : t.layer_lr) groups.push_back({{"layers", g.layers}, {"scale", g.scale}});
    train["layer_lr"] = groups;
  }
  if (t.lora.enabled) train["lora"] = lora_to_json(t.lora);
  if (t.gradient_checkpointing) train["gradient_checkpointing"] = true;
  train["log_every"] = t.log_every;
  train["keep_checkpoints"] = t.keep_checkpoints;
  return train;
}

}  // namespace cradle
