#pragma once
// A tokenised corpus split on disk: token ids in a compact integer type, read
// by memory-mapping so a corpus many times larger than RAM trains with flat
// memory use (the kernel pages the ids in and drops them again).
//
// Layout, little-endian:
//   header (64 bytes): "CRDLTOK1", u32 version (1), u32 bytes per token (2: ids
//     below 65536 as u16; 4: u32), u64 vocabulary size, u64 tokens,
//     u64 documents, u64 byte offset of the index, u64 largest id, u64 zero
//   tokens: `tokens` ids, then zero padding to a multiple of 8 bytes
//   index: `documents` u64 token positions where each document starts
//     (the first 0, strictly increasing); every document ends with <eos>.
// The writer builds the file beside its target and renames it into place, so a
// file is either complete or absent. Needs no LibTorch (the fuzz target links it).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/mapped_file.h"

namespace cradle {

inline constexpr std::string_view kTokenFileMagic = "CRDLTOK1";
inline constexpr std::size_t kTokenFileHeaderBytes = 64;

struct TokenFileLayout {
  std::uint32_t token_bytes = 2;  // 2 or 4
  std::uint64_t vocab_size = 0;
  std::uint64_t tokens = 0;
  std::uint64_t documents = 0;
  std::uint64_t index_offset = 0;  // bytes from the start of the file
  std::uint64_t largest_id = 0;
};

// The bytes per token a vocabulary needs: 2 up to 65,536 ids, else 4.
std::uint32_t token_bytes_for(std::uint64_t vocab_size);

// Checks the header and the index of a whole file's bytes (the token ids
// themselves are not read: a mapping must not page in the corpus to open it).
// DataError naming `origin`, the field and the byte for anything inconsistent.
TokenFileLayout parse_token_file_layout(std::string_view bytes, const std::string& origin);

// Appends documents; finish() writes the index and the header and moves the file into place.
class TokenFileWriter {
 public:
  TokenFileWriter(std::filesystem::path target, std::uint64_t vocab_size);
  ~TokenFileWriter();  // without finish(): the partial file is removed
  TokenFileWriter(const TokenFileWriter&) = delete;
  TokenFileWriter& operator=(const TokenFileWriter&) = delete;

  // One document's ids (an <eos> is appended when the last id is not one).
  // DataError for an id outside the vocabulary.
  void add_document(const std::vector<std::int64_t>& ids);
  TokenFileLayout finish();

 private:
  void write(const void* data, std::size_t bytes);
  std::filesystem::path target_, partial_;
  std::FILE* file_ = nullptr;
  TokenFileLayout layout_;
  std::vector<std::uint64_t> document_starts_;
  std::vector<unsigned char> buffer_;
};

// A read-only mapping of a token file. The ids stay on disk until read.
class MappedTokenFile {
 public:
  // IoError for an unreadable file, DataError (naming the file) for a malformed one.
  static std::shared_ptr<const MappedTokenFile> open(const std::filesystem::path& path);
  MappedTokenFile(const MappedTokenFile&) = delete;
  MappedTokenFile& operator=(const MappedTokenFile&) = delete;

  const TokenFileLayout& layout() const { return layout_; }
  const std::filesystem::path& path() const { return mapping_->path(); }
  const void* token_data() const { return file_bytes() + kTokenFileHeaderBytes; }
  std::uint64_t token_at(std::uint64_t position) const;
  std::uint64_t document_start(std::uint64_t document) const;  // documents() for the end of the last
  // The ids from `begin` to `end` (positions), widened.
  std::vector<std::int64_t> tokens(std::uint64_t begin, std::uint64_t end) const;

 private:
  MappedTokenFile() = default;
  const char* file_bytes() const { return mapping_->bytes().data(); }
  std::shared_ptr<const MappedFile> mapping_;
  TokenFileLayout layout_;
};

}  // namespace cradle
