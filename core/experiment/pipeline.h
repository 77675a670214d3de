#pragma once
// A pipeline file: experiments run one after another, each later stage
// starting from an earlier stage's run folder (its init_from), as the
// alignment recipe needs (pretrain -> sft -> ...):
//   {"name": "alignment-demo",
//    "stages": [{"name": "pretrain", "experiment": "experiment.json"},
//               {"name": "sft", "experiment": "sft.json", "init_from": "pretrain",
//                "set": ["train.epochs=3"]},
//               {"name": "ppo", "experiment": "ppo.json", "init_from": "sft", "reward_from": "reward"}]}
// Experiment paths are relative to the pipeline file.
#include <filesystem>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

struct PipelineStage {
  std::string name;                    // names the stage's run folder inside the pipeline's
  std::filesystem::path experiment;    // absolute
  std::string init_from;               // an earlier stage's name, or empty
  std::string reward_from;             // PPO: the earlier reward stage it maximises (its align.reward_run)
  std::vector<std::string> overrides;  // --set key=value applied to the experiment
};

struct Pipeline {
  std::string name;
  std::vector<PipelineStage> stages;
};

// ConfigError naming the JSON path (stages[1].init_from: ...).
Pipeline parse_pipeline(const Json& document, const std::filesystem::path& base_dir);
Pipeline load_pipeline(const std::filesystem::path& file);

}  // namespace cradle
