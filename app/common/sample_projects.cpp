#include "app/common/sample_projects.h"

#include <unistd.h>

#include <cstdlib>

namespace cradle {
namespace fs = std::filesystem;

fs::path sample_projects_dir() {
  if (const char* env = std::getenv("CRADLE_PROJECTS_DIR"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "cradle" / "projects";
    if (fs::is_directory(installed, ec)) return installed;
  }
  return CRADLE_SOURCE_PROJECTS_DIR;
}

fs::path default_sample_experiment() { return sample_projects_dir() / "fashion-mnist" / "experiment.json"; }

}  // namespace cradle
