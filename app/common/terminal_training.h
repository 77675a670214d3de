#pragma once
// Trains an experiment in the terminal: what `cradle-cli train` and the
// window-less `cradle --headless` both do. Ctrl+C stops at the next step with a
// checkpoint; a second Ctrl+C ends the process at once.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cradle {

struct Experiment;

struct TerminalTrainingRequest {
  std::filesystem::path experiment_file;
  std::vector<std::string> overrides;  // --set key=value
  std::filesystem::path out_dir;       // empty: runs/<name>-<timestamp>
  std::int64_t stop_after_epochs = 0;  // > 0: stop resumably once this many epochs are done (sweeps' halving)
};

// Returns the process exit code; throws cradle::Error on bad input.
int train_in_terminal(const TerminalTrainingRequest& request);

// The same for an experiment made by a command (prune, distill); `source`
// says where it came from on the first line.
int train_in_terminal(const Experiment& experiment, const std::filesystem::path& out_dir, const std::string& source,
                      std::int64_t stop_after_epochs = 0);

// `cradle-cli resume RUN [--epochs N]`: continues a stopped run from its newest
// checkpoint (see ExperimentRun::resume), with the same progress and Ctrl+C.
int resume_in_terminal(const std::filesystem::path& run_dir, std::int64_t epochs, std::int64_t stop_after_epochs = 0);

}  // namespace cradle
