#pragma once
// Writing a LibTorch archive to a file, atomically and without aborting the
// process when the disk fills. LibTorch's own file writer throws from its
// destructor once a write fails (`unexpected pos`), which terminates the
// process mid-run with a trace; here the archive's bytes go through a writer of
// ours that records the first failure and lets the archive finish, and the
// failure then surfaces as an IoError naming the file and the system's reason
// ("No space left on device"), with the temporary file removed and whatever
// `path` held before untouched.
#include <filesystem>

namespace torch::serialize {
class OutputArchive;
}

namespace cradle {

void save_archive_atomically(const std::filesystem::path& path, torch::serialize::OutputArchive& archive);

}  // namespace cradle
