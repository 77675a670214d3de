#include "core/train/archive_file.h"

#include <fcntl.h>
#include <torch/serialize/output-archive.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace cradle {

void save_archive_atomically(const std::filesystem::path& path, torch::serialize::OutputArchive& archive) {
  write_file_atomically(path, [&](const std::filesystem::path& temp) {
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError(path.string() + ": cannot open for writing: " + std::strerror(errno));
    int failure = 0;  // the first errno; later bytes are dropped so the archive can finish
    // Closed on every way out: LibTorch's writer may throw from save_to (a tensor it cannot serialise).
    struct CloseOnThrow {
      int& fd;
      ~CloseOnThrow() {
        if (fd >= 0) ::close(fd);
      }
    };
    int open_fd = fd;
    const CloseOnThrow guard{open_fd};
    archive.save_to([&](const void* data, std::size_t size) -> std::size_t {
      const char* bytes = static_cast<const char*>(data);
      std::size_t written = 0;
      while (failure == 0 && written < size) {
        const ssize_t n = ::write(fd, bytes + written, size - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
          failure = n < 0 ? errno : ENOSPC;
        else
          written += static_cast<std::size_t>(n);
      }
      return size;
    });
    open_fd = -1;  // closed here, where its error counts
    if (::close(fd) != 0 && failure == 0) failure = errno;
    if (failure != 0) throw IoError(path.string() + ": write failed: " + std::strerror(failure));
  });
}

}  // namespace cradle
