// cradle-cli prune, distill and quantize: compressing finished runs. prune and
// distill write the stage's experiment for the user (the run's own frozen
// experiment, or the student's file, with the stage added) and train it like
// `cradle-cli train`; quantize needs no training.
#include <cstdio>
#include <filesystem>

#include "app/cli/commands.h"
#include "app/common/terminal_training.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/experiment.h"
#include "core/experiment/overrides.h"
#include "core/run/run_folder.h"
#include "core/run/run_quantization.h"

namespace cradle::cli {
namespace fs = std::filesystem;

int prune(const PruneRequest& request) {
  const RunFolder run = open_run_folder(request.run_dir);
  Json doc = parse_json_text(read_file(run.experiment_file()), run.experiment_file().string());
  const bool structured = request.method == "channels";
  const std::int64_t cycles = request.cycles > 0 ? request.cycles : structured ? 1 : 3;
  const std::int64_t epochs = request.epochs > 0 ? request.epochs : cycles + (structured ? 3 : 1);
  doc["name"] = doc.value("name", std::string("run")) + (structured ? "-channels" : "-pruned");
  doc["stage"] = "prune";
  doc["init_from"] = fs::absolute(request.run_dir).lexically_normal().string();
  doc.erase("model");  // the run's own: the stage inherits it
  doc["train"]["epochs"] = epochs;
  doc["train"].erase("early_stopping");  // a pruned run ends at its final sparsity
  doc["compress"] = Json{{"method", request.method}, {"cycles", cycles}};
  if (request.sparsity > 0) doc["compress"]["sparsity"] = request.sparsity;
  if (!request.scope.empty()) doc["compress"]["scope"] = request.scope;
  for (const auto& assignment : request.overrides) apply_override(doc, assignment);
  Experiment experiment;
  try {
    experiment = parse_experiment(doc);
  } catch (const ConfigError& error) {
    throw ConfigError("stage prune of " + request.run_dir.string() + ": " + error.what());
  }
  experiment.base_dir = fs::absolute(run.root);
  return train_in_terminal(experiment, request.out_dir, "stage prune of " + request.run_dir.string());
}

int distill(const DistillRequest& request) {
  open_run_folder(request.teacher_run);  // a clear error before the student's file is read
  std::vector<std::string> overrides = {"stage=distill",
                                        "compress.teacher=" + fs::absolute(request.teacher_run).lexically_normal().string()};
  if (request.alpha >= 0) overrides.push_back("compress.alpha=" + Json(request.alpha).dump());
  if (request.temperature > 0) overrides.push_back("compress.temperature=" + Json(request.temperature).dump());
  overrides.insert(overrides.end(), request.overrides.begin(), request.overrides.end());
  const Experiment experiment = load_experiment(request.student_experiment, overrides);
  return train_in_terminal(experiment, request.out_dir,
                           "stage distill of " + request.student_experiment.string() + " from " + request.teacher_run.string());
}

int quantize(const QuantizeRequest& request) {
  const Json report = quantize_run({request.run_dir, request.out_dir, request.engine});
  const std::string out = request.out_dir.empty() ? request.run_dir.string() + "-int8" : request.out_dir.string();
  std::printf("quantised %s into %s\n%s\nreport: %s/report.json\n", request.run_dir.string().c_str(), out.c_str(),
              describe_quantization(report).c_str(), out.c_str());
  return 0;
}

}  // namespace cradle::cli
