#pragma once
// The experiment of a pruning stage for a finished run: the run's own frozen
// experiment with stage "prune", init_from the run, and the method's settings
// (core/experiment/compress_spec.h). `cradle-cli prune` trains it in the
// terminal, the studio's Compress tab in the window.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"

namespace cradle {

struct PruningStageRequest {
  std::filesystem::path run_dir;
  std::string method = "magnitude";    // or "channels"
  double sparsity = 0;                 // 0: the method's default (0.8 magnitude, 0.35 channels)
  std::string scope;                   // empty: the method's default
  std::int64_t cycles = 0;             // 0: 3 for magnitude, 1 for channels
  std::int64_t epochs = 0;             // 0: cycles + 1 (magnitude), cycles + 3 (channels)
  std::vector<std::string> overrides;  // field=value, applied last
};

// The stage's experiment, its base folder the run's (so the run's data paths
// resolve); ConfigError naming the stage when it is not valid.
Experiment pruning_stage_experiment(const PruningStageRequest& request);

}  // namespace cradle
