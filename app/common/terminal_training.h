#pragma once
// Trains an experiment in the terminal: what `cradle-cli train` and the
// window-less `cradle --headless` both do. Ctrl+C stops at the next step with a
// checkpoint; a second Ctrl+C ends the process at once.
#include <filesystem>
#include <string>
#include <vector>

namespace cradle {

struct TerminalTrainingRequest {
  std::filesystem::path experiment_file;
  std::vector<std::string> overrides;  // --set key=value
  std::filesystem::path out_dir;       // empty: runs/<name>-<timestamp>
};

// Returns the process exit code; throws cradle::Error on bad input.
int train_in_terminal(const TerminalTrainingRequest& request);

}  // namespace cradle
