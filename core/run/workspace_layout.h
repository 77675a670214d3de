#pragma once
// Where a workspace keeps what Cradle writes: each experiment in its own
// folder at the top (NAME/experiment.json), the runs in runs/, the rating
// panel's label sets in labels/, compression stages' experiments in compress/.
// The studio's panels take their folders from here, so the layout is written
// down once.
#include <filesystem>
#include <string>

namespace cradle {

struct WorkspaceLayout {
  std::filesystem::path root;

  std::filesystem::path runs() const { return root / "runs"; }
  std::filesystem::path labels() const { return root / "labels"; }
  std::filesystem::path compress() const { return root / "compress"; }
  std::filesystem::path experiment_folder(const std::string& name) const { return root / name; }
  std::filesystem::path experiment_file(const std::string& name) const {
    return experiment_folder(name) / "experiment.json";
  }
};

}  // namespace cradle
