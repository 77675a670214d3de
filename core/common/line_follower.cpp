#include "core/common/line_follower.h"

#include <fstream>

namespace cradle {
namespace fs = std::filesystem;

std::vector<std::pair<std::int64_t, std::string>> LineFollower::read_new() {
  std::vector<std::pair<std::int64_t, std::string>> lines;
  std::error_code ec;
  const auto size = fs::file_size(file_, ec);
  if (ec) return lines;                                          // not written yet
  if (size < offset_) offset_ = 0, line_ = 0, partial_.clear();  // replaced by a new file
  if (size == offset_) return lines;
  std::ifstream in(file_, std::ios::binary);
  if (!in) return lines;
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk(static_cast<size_t>(size - offset_), '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<size_t>(in.gcount()));
  offset_ += chunk.size();
  partial_ += chunk;
  size_t start = 0;
  for (size_t end; (end = partial_.find('\n', start)) != std::string::npos; start = end + 1)
    lines.emplace_back(++line_, partial_.substr(start, end - start));
  partial_.erase(0, start);
  return lines;
}

}  // namespace cradle
