#include "core/run/pruning_experiment.h"

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/experiment/overrides.h"
#include "core/run/run_folder.h"

namespace cradle {
namespace fs = std::filesystem;

Experiment pruning_stage_experiment(const PruningStageRequest& request) {
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
  return experiment;
}

}  // namespace cradle
