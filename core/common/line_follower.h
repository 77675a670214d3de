#pragma once
// Reads a file that another writer appends lines to (a run's metrics.jsonl,
// samples.jsonl): each call returns the lines completed since the previous
// one, with their 1-based numbers. A line still being written waits for its
// newline; a file that does not exist yet reads as empty; a file that shrank
// (replaced by a new run) is read again from the start.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace cradle {

class LineFollower {
 public:
  explicit LineFollower(std::filesystem::path file) : file_(std::move(file)) {}

  std::vector<std::pair<std::int64_t, std::string>> read_new();
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::uintmax_t offset_ = 0;
  std::int64_t line_ = 0;
  std::string partial_;
};

}  // namespace cradle
