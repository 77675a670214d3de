#include "core/run/metrics_follower.h"

#include <nlohmann/json.hpp>

namespace cradle {
namespace fs = std::filesystem;

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
      plan.epochs = json.at("epochs").get<std::int64_t>();
      plan.steps_per_epoch = json.at("steps_per_epoch").get<std::int64_t>();
      plan.total_steps = json.at("total_steps").get<std::int64_t>();
      plan.train_samples = json.value("train_samples", std::int64_t{0});
      plan.batch_size = json.value("batch_size", std::int64_t{0});
      plan.start_step = json.value("start_step", std::int64_t{0});
      update.plan = plan;
    } else if (kind == "train") {
      StepMetrics m;
      m.step = json.at("step").get<std::int64_t>();
      m.epoch = json.at("epoch").get<std::int64_t>();
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
      update.steps.push_back(m);
    } else if (kind == "eval") {
      EvaluationMetrics m;
      m.split = json.at("split").get<std::string>();
      m.step = json.at("step").get<std::int64_t>();
      m.epoch = json.at("epoch").get<std::int64_t>();
      m.loss = json.at("loss").get<double>();
      m.accuracy = json.value("accuracy", 0.0);
      if (json.contains("mae")) m.mae = json["mae"].get<double>();
      if (json.contains("rmse")) m.rmse = json["rmse"].get<double>();
      if (json.contains("r2")) m.r2 = json["r2"].get<double>();
      m.samples = json.value("samples", std::int64_t{0});
      m.wall_seconds = json.value("wall_time", 0.0);
      update.evaluations.push_back(m);
    } else {
      problem = "unknown kind \"" + kind + "\"";
      return false;
    }
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
