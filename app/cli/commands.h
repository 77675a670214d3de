#pragma once
// The cradle-cli subcommands. Each returns the process exit code and throws
// cradle::Error for bad input, which main() turns into one line.
#include <filesystem>
#include <string>
#include <vector>

namespace cradle::cli {

int inspect(const std::filesystem::path& experiment_file, const std::vector<std::string>& overrides);
int evaluate(const std::filesystem::path& run_dir);

}  // namespace cradle::cli
