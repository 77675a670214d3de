// cradle-cli pipeline: the stages of a pipeline file, each in its own run
// folder, each later stage starting from an earlier one's.
#include <cstdio>
#include <memory>

#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/common/terminal_training.h"
#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/experiment/pipeline.h"
#include "core/run/run_index.h"

namespace cradle::cli {
namespace fs = std::filesystem;

int run_pipeline(const PipelineRequest& request) {
  const Pipeline pipeline = load_pipeline(request.file);
  const fs::path root =
      fs::absolute(request.out.empty() ? fs::path("runs") / pipeline.name : request.out).lexically_normal();
  const auto overrides_of = [&](const PipelineStage& stage) {
    auto overrides = stage.overrides;
    if (!stage.init_from.empty()) overrides.push_back("init_from=" + (root / stage.init_from).string());
    if (!stage.reward_from.empty()) overrides.push_back("align.reward_run=" + (root / stage.reward_from).string());
    return overrides;
  };
  // Every stage's experiment is checked before anything trains.
  for (const auto& stage : pipeline.stages) {
    try {
      load_experiment(stage.experiment, overrides_of(stage));
    } catch (const ConfigError& error) {
      throw ConfigError("stage " + stage.name + ": " + error.what());
    }
  }
  std::printf("pipeline %s: %zu stages in %s\n", pipeline.name.c_str(), pipeline.stages.size(), root.string().c_str());
  for (std::size_t i = 0; i < pipeline.stages.size(); ++i) {
    const auto& stage = pipeline.stages[i];
    const fs::path dir = root / stage.name;
    std::printf("\n== stage %zu/%zu: %s ==\n", i + 1, pipeline.stages.size(), stage.name.c_str());
    std::fflush(stdout);
    const auto existing = summarize_run(dir);
    int code = 0;
    if (existing && existing->status == RunStatus::Completed) {
      std::printf("already completed in %s; skipped\n", dir.string().c_str());
      continue;
    } else if (existing && existing->status == RunStatus::Failed) {
      throw ConfigError("stage " + stage.name + " failed before (" + existing->problem + "); see " +
                        (dir / "report.json").string() + ", and remove " + dir.string() + " to run it again");
    } else if (existing) {
      std::printf("continuing the %s run in %s\n", to_string(existing->status).c_str(), dir.string().c_str());
      std::fflush(stdout);
      code = resume_in_terminal(dir, 0);
    } else {
      code = train_in_terminal({stage.experiment, overrides_of(stage), dir});
    }
    if (code != 0) return code;
  }
  std::printf("\npipeline %s complete: %s\n", pipeline.name.c_str(), root.string().c_str());
  return 0;
}

void add_pipeline_command(CLI::App& app, CommandChoice& choice) {
  auto request = std::make_shared<PipelineRequest>();
  auto* pipeline = app.add_subcommand("pipeline", "Run a pipeline file's stages in order (pretrain, sft, ...)");
  pipeline->add_option("pipeline", request->file, "Pipeline file (JSON)")->required();
  pipeline->add_option("--out", request->out, "Folder for the stages' runs (default runs/<pipeline name>)");
  pipeline->callback([&choice, request] { choice.run = [request] { return run_pipeline(*request); }; });
}

}  // namespace cradle::cli
