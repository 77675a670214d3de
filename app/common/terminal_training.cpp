#include "app/common/terminal_training.h"

#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>

#include "app/common/terminal_progress.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/distributed/data_parallel_group.h"
#include "core/distributed/distributed_config.h"
#include "core/experiment/experiment.h"
#include "core/run/compression_comparison.h"
#include "core/run/experiment_run.h"
#include "core/run/log_writer.h"
#include "core/run/run_folder.h"
#include "core/tune/trial_execution.h"

namespace cradle {
namespace {

StopSignal g_stop;

extern "C" void on_interrupt(int) {
  if (g_stop.requested()) _exit(130);
  g_stop.request();
  const char message[] = "\nstopping after this step (Ctrl+C again to quit at once)\n";
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
}

// Trains `run` with a progress display and Ctrl+C handling; the exit code.
// `stop_after_epochs` > 0 stops it (resumably) once that many epochs are done.
int train_with_progress(ExperimentRun& run, const DataParallelGroup* group = nullptr,
                        std::int64_t stop_after_epochs = 0) {
  std::printf("run folder %s\n%s model, %lld parameters; %d threads on %s\n", run.folder().root.string().c_str(),
              run.experiment().model.type.c_str(), static_cast<long long>(run.model_summary().total_parameters),
              run.threads(), run.device_name().c_str());
  if (group)
    std::printf("distributed: %s; batch %lld per process\n", group->description().c_str(),
                static_cast<long long>(run.experiment().train.batch_size));
  if (!run.resumed_from().empty()) std::printf("resuming from %s\n", run.resumed_from().string().c_str());

  if (const auto& skipped = run.skipped_files(); !skipped.empty())
    std::printf("data: skipped %zu unreadable file(s), e.g. %s (listed in train.log)\n", skipped.size(),
                skipped.front().c_str());
  TerminalProgress progress(stdout);
  run.add_observer(progress);
  EpochLimit limit(stop_after_epochs, g_stop);
  if (stop_after_epochs > 0) run.add_observer(limit);
  g_stop.reset();
  auto previous = std::signal(SIGINT, on_interrupt);
  RunResult result;
  try {
    result = run.train(&g_stop);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);

  if (result.test && result.test->mae)
    std::printf("test mae: %.6g, rmse %.6g, r2 %.4f (%lld samples)\n", *result.test->mae, result.test->rmse.value_or(0),
                result.test->r2.value_or(0), static_cast<long long>(result.test->samples));
  else if (result.test && !result.test->extra.empty())  // PPO: the policy's answers to the test prompts
    std::printf("test:%s (%lld prompts)\n", format_stage_figures(result.test->extra).c_str(),
                static_cast<long long>(result.test->samples));
  else if (result.test && result.test->reward_gap)
    std::printf("test preference accuracy: %.4f, reward gap %.4g (%lld pairs)\n", result.test->accuracy,
                *result.test->reward_gap, static_cast<long long>(result.test->samples));
  else if (result.test)
    std::printf("test accuracy: %.4f (%lld samples)\n", result.test->accuracy,
                static_cast<long long>(result.test->samples));
  if (is_pruning(run.experiment()) || is_distillation(run.experiment())) {  // against the original, as train.log has it
    const Json report = Json::parse(read_file(run.folder().report_file()));
    char what[120] = "distilled: the student";
    if (report.contains("pruning") && report["pruning"].contains("flops_ratio"))
      std::snprintf(what, sizeof what, "pruned channels to %.1f%% of the FLOPs per sample,",
                    100 * report["pruning"]["flops_ratio"].get<double>());
    else if (report.contains("pruning"))
      std::snprintf(what, sizeof what, "pruned to %.1f%% of the linear and convolution weights,",
                    100 * report["pruning"]["sparsity"].get<double>());
    if (report.contains("compression"))
      std::printf("%s %s\n", what, describe_comparison(report["compression"]).c_str());
  }
  std::printf("report: %s\n", run.folder().report_file().string().c_str());
  return result.outcome.status == TrainingStatus::Completed ? 0 : 130;
}

// Trains this process's rank of a data-parallel run (WORLD_SIZE set, as by
// torchrun or --nproc). Rank 0 prepares the run folder `main_run_dir` and
// announces it (or its failure) to the others through the group's store; it
// alone shows progress. The others prepare after it and train quietly.
using MakeRun =
    std::function<std::unique_ptr<ExperimentRun>(const std::filesystem::path& run_dir, DataParallelGroup& group)>;
int train_as_rank(const DistributedConfig& config, const std::filesystem::path& main_run_dir, const MakeRun& make_run) {
  DataParallelGroup group(config);
  const std::string kPrepared = "prepared", kFailed = "failed: ";
  if (group.is_main()) {
    std::unique_ptr<ExperimentRun> run;
    try {
      run = make_run(main_run_dir, group);
    } catch (const std::exception& error) {
      group.publish(kPrepared, kFailed + error.what());
      throw;
    }
    group.publish(kPrepared, run->folder().root.string());
    return train_with_progress(*run, &group);
  }
  const std::string prepared = group.wait_for(kPrepared);
  if (prepared.rfind(kFailed, 0) == 0)  // rank 0 printed why; this rank only says it stopped
    throw Error("rank " + std::to_string(group.rank()) + ": not started, rank 0 could not prepare the run");
  const auto run = make_run(prepared, group);
  g_stop.reset();
  auto previous = std::signal(SIGINT, on_interrupt);
  RunResult result;
  try {
    result = run->train(&g_stop);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  return result.outcome.status == TrainingStatus::Completed ? 0 : 130;
}

}  // namespace

int train_in_terminal(const TerminalTrainingRequest& request) {
  return train_in_terminal(load_experiment(request.experiment_file, request.overrides), request.out_dir,
                           request.experiment_file.string(), request.stop_after_epochs);
}

int train_in_terminal(const Experiment& experiment, const std::filesystem::path& out_dir, const std::string& source,
                      std::int64_t stop_after_epochs) {
  const auto run_dir = out_dir.empty() ? default_run_dir(experiment) : out_dir;
  if (const auto config = distributed_config_from(process_environment())) {
    if (config->rank == 0) std::printf("experiment %s (%s)\n", experiment.name.c_str(), source.c_str());
    return train_as_rank(*config, run_dir, [&](const std::filesystem::path& dir, DataParallelGroup& group) {
      return std::make_unique<ExperimentRun>(experiment, dir, &group);
    });
  }
  std::printf("experiment %s (%s)\n", experiment.name.c_str(), source.c_str());
  std::fflush(stdout);
  ExperimentRun run(experiment, run_dir);
  return train_with_progress(run, nullptr, stop_after_epochs);
}

int resume_in_terminal(const std::filesystem::path& run_dir, std::int64_t epochs, std::int64_t stop_after_epochs) {
  if (const auto config = distributed_config_from(process_environment()))
    return train_as_rank(*config, run_dir, [&](const std::filesystem::path& dir, DataParallelGroup& group) {
      return ExperimentRun::resume(dir, epochs, &group);
    });
  const auto run = ExperimentRun::resume(run_dir, epochs);
  return train_with_progress(*run, nullptr, stop_after_epochs);
}

}  // namespace cradle
