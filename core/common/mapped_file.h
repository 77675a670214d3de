#pragma once
// A whole file mapped into memory: its pages are read from disk when first
// touched and belong to the page cache, so a reader that needs only a view of
// the bytes (a token corpus, a safetensors checkpoint of several GB) costs no
// copy and no memory of the process's own. The mapping is private and
// writable: a write changes this process's copy of that page, never the file,
// so tensors handed out over the bytes may be changed in place. A file that
// another process shortens while it is mapped cannot be read past its new end
// (the kernel signals SIGBUS); Cradle's own files are replaced by rename, which
// leaves a mapped file whole.
#include <filesystem>
#include <memory>
#include <string_view>

namespace cradle {

class MappedFile {
 public:
  // IoError naming the file when it cannot be opened, sized or mapped. An
  // empty file maps to no bytes.
  static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(base_ ? base_ : ""), size_}; }
  // The bytes for a writer of this process's private copy (see above).
  void* writable_data() const { return base_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  MappedFile() = default;
  std::filesystem::path path_;
  void* base_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace cradle
