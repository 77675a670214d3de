// cradle-cli: everything the studio does, without a window.
#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/common/terminal_training.h"
#include "core/common/error.h"

namespace {

// Exit codes: 0 success, 1 a clear error (bad file, bad value), 2 bad usage,
// 130 training stopped by the user.
int run(int argc, char** argv) {
  CLI::App app{"Cradle: train neural networks from an experiment file, headless.", "cradle-cli"};
  app.set_version_flag("--version", "cradle-cli " CRADLE_VERSION);
  app.require_subcommand(1);

  cradle::TerminalTrainingRequest train_request;
  auto* train = app.add_subcommand("train", "Train an experiment into a new run folder");
  train->add_option("experiment", train_request.experiment_file, "Experiment file (JSON)")->required();
  train->add_option("--out", train_request.out_dir, "Run folder to create (default runs/<name>-<timestamp>)");
  train->add_option("--set", train_request.overrides, "Override a field, e.g. --set train.lr=3e-4 (repeatable)");

  std::string resume_dir;
  std::int64_t resume_epochs = 0;
  auto* resume = app.add_subcommand("resume", "Continue a stopped run from its newest checkpoint");
  resume->add_option("run", resume_dir, "Run folder")->required();
  resume->add_option("--epochs", resume_epochs, "Train to this many epochs in all (default: the experiment's)")
      ->check(CLI::Range(1, 100000));

  std::string run_dir;
  auto* eval = app.add_subcommand("eval", "Evaluate a finished run's model on its test split");
  eval->add_option("run", run_dir, "Run folder")->required();

  std::string inspect_file;
  std::vector<std::string> inspect_overrides;
  auto* inspect = app.add_subcommand("inspect", "Validate an experiment and print its model's layer table");
  inspect->add_option("experiment", inspect_file, "Experiment file (JSON)")->required();
  inspect->add_option("--set", inspect_overrides, "Override a field (repeatable)");

  std::string stats_file, stats_out;
  std::vector<std::string> stats_overrides;
  auto* data = app.add_subcommand("data", "Look at an experiment's data");
  data->require_subcommand(1);
  auto* stats = data->add_subcommand("stats", "Print (and write) sizes, class histograms and value ranges of every split");
  stats->add_option("experiment", stats_file, "Experiment file (JSON)")->required();
  stats->add_option("--set", stats_overrides, "Override a field (repeatable)");
  stats->add_option("--out", stats_out, "Also write the statistics to this JSON file");

  std::string preview_file, preview_out;
  std::vector<std::string> preview_overrides;
  std::int64_t preview_samples = 8;
  auto* preview = data->add_subcommand("preview", "Write before/after samples of every preprocessing step to a folder");
  preview->add_option("experiment", preview_file, "Experiment file (JSON)")->required();
  preview->add_option("--out", preview_out, "Folder to write (created if needed)")->required();
  preview->add_option("--n", preview_samples, "Samples per step (default 8)")->check(CLI::Range(1, 1000));
  preview->add_option("--set", preview_overrides, "Override a field (repeatable)");

  std::string runs_dir = "runs", runs_experiment;
  auto* runs = app.add_subcommand("runs", "List the runs in a folder: status, test metric, start time");
  runs->add_option("folder", runs_dir, "Folder of run folders (default runs)");
  runs->add_option("--experiment", runs_experiment, "Only the runs of this experiment name");

  std::string max_size;
  auto* cache = app.add_subcommand("cache", "Look at or trim the prepared-data cache");
  cache->require_subcommand(1);
  auto* cache_list = cache->add_subcommand("list", "List the cache's entries, most recently used first");
  auto* cache_prune = cache->add_subcommand("prune", "Remove least recently used entries beyond a size");
  cache_prune->add_option("--max-size", max_size, "Size to keep, e.g. 2G or 500M (default $CRADLE_CACHE_MAX_SIZE or 4G)");
  auto* cache_clear = cache->add_subcommand("clear", "Remove every entry");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints help, the version, or the usage error
    return code == 0 ? 0 : 2;
  }
  if (train->parsed()) return cradle::train_in_terminal(train_request);
  if (resume->parsed()) return cradle::resume_in_terminal(resume_dir, resume_epochs);
  if (eval->parsed()) return cradle::cli::evaluate(run_dir);
  if (stats->parsed()) return cradle::cli::data_stats(stats_file, stats_overrides, stats_out);
  if (preview->parsed()) return cradle::cli::data_preview(preview_file, preview_overrides, preview_samples, preview_out);
  if (runs->parsed()) return cradle::cli::list_runs(runs_dir, runs_experiment);
  if (cache_list->parsed()) return cradle::cli::cache_list();
  if (cache_prune->parsed()) return cradle::cli::cache_prune(max_size);
  if (cache_clear->parsed()) return cradle::cli::cache_clear();
  return cradle::cli::inspect(inspect_file, inspect_overrides);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const cradle::Error& error) {
    std::fprintf(stderr, "cradle-cli: error: %s\n", error.what());
  } catch (const c10::Error& error) {
    const std::string message = error.what_without_backtrace();
    std::fprintf(stderr, "cradle-cli: LibTorch error: %s\n", message.substr(0, message.find('\n')).c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cradle-cli: error: %s\n", error.what());
  }
  return 1;
}
