// train and resume: in this process, or as N data-parallel worker processes (--nproc).
#include <cstdlib>
#include <memory>
#include <string>

#include "app/cli/command_line.h"
#include "app/cli/local_workers.h"
#include "app/common/terminal_training.h"
#include "core/common/error.h"

namespace cradle::cli {
namespace {

const char* const kNprocHelp =
    "Data-parallel: start N worker processes here (train.batch_size per process; torchrun's variables work too)";
const char* const kStopAfterHelp = "Stop (resumably, with a checkpoint) once this many epochs are done";

// --nproc N > 1 starts the workers instead of training here; each runs this same command line without --nproc.
int run_here_or_as_workers(int nproc, const CommandChoice& choice, const std::function<int()>& here) {
  if (nproc <= 1) return here();
  if (std::getenv("WORLD_SIZE"))
    throw ConfigError(
        "--nproc: WORLD_SIZE is already set (a torchrun-style launcher started this process); "
        "leave --nproc out and let the launcher start the workers");
  return run_local_workers(nproc, choice.worker_arguments);
}

}  // namespace

void add_training_commands(CLI::App& app, CommandChoice& choice) {
  struct TrainRequest {
    TerminalTrainingRequest training;
    int nproc = 1;
  };
  auto train_request = std::make_shared<TrainRequest>();
  auto* train = app.add_subcommand("train", "Train an experiment into a new run folder");
  train->add_option("experiment", train_request->training.experiment_file, "Experiment file (JSON)")->required();
  train->add_option("--out", train_request->training.out_dir, "Run folder to create (default runs/<name>-<timestamp>)");
  train
      ->add_option("--set", train_request->training.overrides,
                   "Override a field, e.g. --set train.lr=3e-4 (repeatable)")
      ->check(kOverrideSyntax);
  train->add_option("--stop-after-epochs", train_request->training.stop_after_epochs, kStopAfterHelp)
      ->check(CLI::Range(1, 100000));
  train->add_option("--nproc", train_request->nproc, kNprocHelp)->check(CLI::Range(1, 256));
  train->callback([&choice, train_request] {
    choice.run = [&choice, train_request] {
      return run_here_or_as_workers(train_request->nproc, choice,
                                    [train_request] { return train_in_terminal(train_request->training); });
    };
  });

  struct ResumeRequest {
    std::string run;
    std::int64_t epochs = 0, stop_after = 0;
    int nproc = 1;
  };
  auto resume_request = std::make_shared<ResumeRequest>();
  auto* resume = app.add_subcommand("resume", "Continue a stopped run from its newest checkpoint");
  resume->add_option("run", resume_request->run, "Run folder")->required();
  resume->add_option("--epochs", resume_request->epochs, "Train to this many epochs in all (default: the experiment's)")
      ->check(CLI::Range(1, 100000));
  resume->add_option("--nproc", resume_request->nproc, kNprocHelp)->check(CLI::Range(1, 256));
  resume->add_option("--stop-after-epochs", resume_request->stop_after, kStopAfterHelp)->check(CLI::Range(1, 100000));
  resume->callback([&choice, resume_request] {
    choice.run = [&choice, resume_request] {
      return run_here_or_as_workers(resume_request->nproc, choice, [resume_request] {
        return resume_in_terminal(resume_request->run, resume_request->epochs, resume_request->stop_after);
      });
    };
  });
}

}  // namespace cradle::cli
