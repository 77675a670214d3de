#pragma once
// Reading whole files and writing files atomically. Every file the engine writes
// goes through write_file_atomically: a temporary file beside the target is
// written, flushed to disk and renamed over the target, so a killed process
// leaves either the old file or the new one, never half of one.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace cradle {

std::string read_file(const std::filesystem::path& path);

// Calls write_to(temporary_path); on success the temporary file replaces target.
// If write_to throws, the temporary file is removed and target is untouched.
void write_file_atomically(const std::filesystem::path& target,
                           const std::function<void(const std::filesystem::path&)>& write_to);

void write_text_atomically(const std::filesystem::path& target, std::string_view content);

// Removes the temporary files of write_file_atomically in `dir` whose writing
// process is gone (killed mid-write); those of live processes stay. Returns how
// many were removed.
int remove_abandoned_temporaries(const std::filesystem::path& dir);

// Appends one line (a '\n' is added) with a single write and flushes it, so a
// reader following the file sees whole lines only.
class LineAppender {
 public:
  explicit LineAppender(const std::filesystem::path& path);
  ~LineAppender();
  LineAppender(const LineAppender&) = delete;
  LineAppender& operator=(const LineAppender&) = delete;
  void append(std::string_view line);
  // Waits until what was appended is on disk (fsync): a crash after it loses nothing.
  void sync();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace cradle
