#pragma once
#include <filesystem>

namespace cradle {

// Where the bundled sample projects live: $CRADLE_PROJECTS_DIR, else the
// installed share/cradle/projects beside the executable, else the source tree.
std::filesystem::path sample_projects_dir();

// The project that opens on first start and that headless `cradle` trains.
std::filesystem::path default_sample_experiment();

}  // namespace cradle
