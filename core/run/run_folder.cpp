#include "core/run/run_folder.h"

#include <ctime>

#include "core/common/error.h"

namespace cradle {
namespace fs = std::filesystem;

fs::path default_run_dir(const Experiment& experiment, const fs::path& runs_root) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  const fs::path base = runs_root / (experiment.name + "-" + stamp);
  fs::path candidate = base;
  for (int suffix = 2; fs::exists(candidate); ++suffix) candidate = base.string() + "-" + std::to_string(suffix);
  return candidate;
}

void check_run_folder_is_free(const fs::path& root) {
  std::error_code ec;
  if (fs::exists(root, ec) && !fs::is_empty(root, ec))
    throw IoError(root.string() +
                  ": the folder exists and is not empty; choose another folder, so what is there is kept");
}

RunFolder create_run_folder(const fs::path& root) {
  check_run_folder_is_free(root);
  std::error_code ec;
  fs::create_directories(root / "checkpoints", ec);
  if (!ec) fs::create_directories(root / "model", ec);
  if (ec) throw IoError(root.string() + ": cannot create run folder: " + ec.message());
  return RunFolder{fs::absolute(root)};
}

RunFolder open_run_folder(const fs::path& root) {
  RunFolder run{fs::absolute(root)};
  if (!fs::is_directory(root)) throw IoError(root.string() + ": no such run folder");
  if (!fs::exists(run.experiment_file())) throw IoError(root.string() + ": not a run folder (no experiment.json)");
  return run;
}

}  // namespace cradle
