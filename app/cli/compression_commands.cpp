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
#include "core/run/pruning_stage.h"
#include "core/run/run_folder.h"
#include "core/run/run_quantization.h"

namespace cradle::cli {
namespace fs = std::filesystem;

int prune(const PruneRequest& request) {
  const Experiment experiment = pruning_stage_experiment(request);
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
