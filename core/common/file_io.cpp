#include "core/common/file_io.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace cradle {
namespace fs = std::filesystem;

namespace {

std::string errno_text() { return std::strerror(errno); }

void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) throw IoError(path.string() + ": cannot open to flush: " + errno_text());
  const int rc = ::fsync(fd);
  ::close(fd);
  // Some file systems refuse fsync on directories; the rename is still atomic there.
  if (rc != 0 && !directory) throw IoError(path.string() + ": cannot flush to disk: " + errno_text());
}

fs::path temporary_sibling(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() /
         ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

}  // namespace

std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw IoError(path.string() + ": is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path, ec)) throw IoError(path.string() + ": no such file");
    throw IoError(path.string() + ": cannot open for reading: " + errno_text());
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError(path.string() + ": read error");
  return std::move(buffer).str();
}

void write_file_atomically(const fs::path& target, const std::function<void(const fs::path&)>& write_to) {
  const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw IoError(parent.string() + ": cannot create folder: " + ec.message());
  const fs::path temp = temporary_sibling(target);
  try {
    write_to(temp);
    fsync_path(temp, false);
    fs::rename(temp, target);
  } catch (...) {
    fs::remove(temp, ec);
    throw;
  }
  fsync_path(parent, true);
}

void write_text_atomically(const fs::path& target, std::string_view content) {
  write_file_atomically(target, [&](const fs::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(temp.string() + ": cannot open for writing: " + errno_text());
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw IoError(target.string() + ": write failed: " + errno_text());
  });
}

int remove_abandoned_temporaries(const fs::path& dir) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto mark = name.rfind(".tmp-");
    if (name.empty() || name.front() != '.' || mark == std::string::npos) continue;
    const long pid = std::strtol(name.c_str() + mark + 5, nullptr, 10);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH))
      removed += fs::remove(entry.path(), ec) ? 1 : 0;
  }
  return removed;
}

LineAppender::LineAppender(const fs::path& path) : path_(path) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(path.string() + ": cannot open for appending: " + errno_text());
}

LineAppender::~LineAppender() {
  if (fd_ >= 0) ::close(fd_);
}

void LineAppender::append(std::string_view line) {
  std::string buffer;
  buffer.reserve(line.size() + 1);
  buffer.append(line).push_back('\n');
  // Where the line starts, so a write the disk cannot take is undone whole: a
  // reader (and the next append) never sees half a line.
  const off_t start = ::lseek(fd_, 0, SEEK_END);
  size_t written = 0;
  while (written < buffer.size()) {
    const ssize_t n = ::write(fd_, buffer.data() + written, buffer.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = n < 0 ? errno_text() : std::strerror(ENOSPC);
      if (start >= 0 && written > 0 && ::ftruncate(fd_, start) != 0)
        throw IoError(path_.string() + ": write failed: " + reason + "; its last line is cut");
      throw IoError(path_.string() + ": write failed: " + reason);
    }
    written += static_cast<size_t>(n);
  }
}

void LineAppender::sync() {
  if (::fsync(fd_) != 0) throw IoError(path_.string() + ": could not flush to disk: " + errno_text());
}

}  // namespace cradle
