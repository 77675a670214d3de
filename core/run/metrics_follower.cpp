#include "core/run/metrics_follower.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <stdexcept>

namespace cradle {
namespace fs = std::filesystem;
namespace {

struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A count or step: a JSON integer, or a float holding a whole number in
// range. (nlohmann's get<int64_t> of 1e84 is undefined behaviour; the fuzz
// target found it.)
std::int64_t whole_number(const nlohmann::json& json, const char* key,
                          std::optional<std::int64_t> fallback = std::nullopt) {
  if (!json.contains(key)) {
    if (fallback) return *fallback;
    throw BadField(std::string("key '") + key + "' not found");
  }
  const auto& value = json[key];
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) <= 9.0e15) return static_cast<std::int64_t>(d);
  }
  throw BadField(std::string(key) + " is not a whole number: " + value.dump());
}

// The numeric fields a line has beyond the ones every run writes (PPO's score, kl, ...), by name.
std::vector<std::pair<std::string, double>> extra_fields(const nlohmann::json& json,
                                                         std::initializer_list<const char*> known) {
  std::vector<std::pair<std::string, double>> extra;
  for (const auto& item : json.items()) {
    const std::string& key = item.key();
    if (!item.value().is_number() || std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
      continue;
    extra.emplace_back(key, item.value().get<double>());
  }
  return extra;
}

}  // namespace

bool parse_metrics_line(const std::string& line, MetricsUpdate& update, std::string& problem) {
  const auto json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    problem = "not a JSON object";
    return false;
  }
  try {
    const std::string kind = json.value("kind", std::string());
    if (kind == "start") {
      TrainingPlan plan;
      plan.epochs = whole_number(json, "epochs");
      plan.steps_per_epoch = whole_number(json, "steps_per_epoch");
      plan.total_steps = whole_number(json, "total_steps");
      plan.train_samples = whole_number(json, "train_samples", 0);
      plan.batch_size = whole_number(json, "batch_size", 0);
      plan.start_step = whole_number(json, "start_step", 0);
      update.plan = plan;
    } else if (kind == "train") {
      StepMetrics m;
      m.step = whole_number(json, "step");
      m.epoch = whole_number(json, "epoch");
      m.loss = json.at("loss").get<double>();
      m.accuracy = json.value("accuracy", 0.0);
      if (json.contains("mae")) m.mae = json["mae"].get<double>();
      m.lr = json.value("lr", 0.0);
      m.samples_per_second = json.value("samples_per_sec", 0.0);
      m.data_wait_seconds = json.value("data_wait_s", 0.0);
      m.forward_seconds = json.value("forward_s", 0.0);
      m.backward_seconds = json.value("backward_s", 0.0);
      m.optimizer_seconds = json.value("optimizer_s", 0.0);
      m.wall_seconds = json.value("wall_time", 0.0);
      m.extra = extra_fields(json, {"step", "epoch", "loss", "accuracy", "mae", "lr", "samples_per_sec", "data_wait_s",
                                    "forward_s", "backward_s", "optimizer_s", "wall_time"});
      update.steps.push_back(m);
    } else if (kind == "eval") {
      EvaluationMetrics m;
      m.split = json.at("split").get<std::string>();
      m.step = whole_number(json, "step");
      m.epoch = whole_number(json, "epoch");
      m.loss = json.at("loss").get<double>();
      m.accuracy = json.value("accuracy", 0.0);
      if (json.contains("mae")) m.mae = json["mae"].get<double>();
      if (json.contains("rmse")) m.rmse = json["rmse"].get<double>();
      if (json.contains("r2")) m.r2 = json["r2"].get<double>();
      m.samples = whole_number(json, "samples", 0);
      m.wall_seconds = json.value("wall_time", 0.0);
      m.extra = extra_fields(json, {"step", "epoch", "loss", "accuracy", "mae", "rmse", "r2", "samples", "wall_time"});
      update.evaluations.push_back(m);
    } else {
      problem = "unknown kind \"" + kind + "\"";
      return false;
    }
  } catch (const BadField& error) {
    problem = error.what();
    return false;
  } catch (const nlohmann::json::exception& error) {
    // at() on a missing key, get<> on a wrong type: name the key's problem.
    std::string message = error.what();
    const auto bracket = message.find("] ");
    problem = bracket == std::string::npos ? message : message.substr(bracket + 2);
    return false;
  }
  return true;
}

MetricsFollower::MetricsFollower(fs::path file) : lines_(std::move(file)) {}

MetricsUpdate MetricsFollower::read_new() {
  MetricsUpdate update;
  for (const auto& [number, line] : lines_.read_new()) {
    if (line.empty()) continue;
    std::string problem;
    if (!parse_metrics_line(line, update, problem))
      update.problems.push_back(lines_.file().filename().string() + ":" + std::to_string(number) + ": " + problem);
  }
  return update;
}

}  // namespace cradle
