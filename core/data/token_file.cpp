#include "core/data/token_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/common/error.h"

// The ids are mapped and handed to LibTorch as they lie on disk.
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "token files are little-endian and mapped as they are: a big-endian host needs a byte-swapping reader"
#endif

namespace cradle {
namespace fs = std::filesystem;

namespace {

std::uint64_t read_u64(std::string_view bytes, std::size_t at) {
  std::uint64_t value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

std::uint32_t read_u32(std::string_view bytes, std::size_t at) {
  std::uint32_t value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

std::uint64_t padded_to_8(std::uint64_t bytes) { return (bytes + 7) / 8 * 8; }

std::string system_error_text() { return std::strerror(errno); }

}  // namespace

std::uint32_t token_bytes_for(std::uint64_t vocab_size) { return vocab_size <= 65536 ? 2 : 4; }

TokenFileLayout parse_token_file_layout(std::string_view bytes, const std::string& origin) {
  const auto fail = [&](std::size_t at, const std::string& what) {
    return DataError(origin + ": byte " + std::to_string(at) + ": " + what);
  };
  if (bytes.size() < kTokenFileHeaderBytes)
    throw fail(bytes.size(), "the file ends inside the 64-byte header (" + std::to_string(bytes.size()) +
                                 " bytes): not a token file, or a truncated one");
  if (bytes.substr(0, kTokenFileMagic.size()) != kTokenFileMagic)
    throw fail(0, "not a token file (it does not start with \"CRDLTOK1\"); write one with cradle-cli data tokenize");
  if (const auto version = read_u32(bytes, 8); version != 1)
    throw fail(8, "token file version " + std::to_string(version) + " is not supported (this Cradle reads version 1)");
  TokenFileLayout layout;
  layout.token_bytes = read_u32(bytes, 12);
  layout.vocab_size = read_u64(bytes, 16);
  layout.tokens = read_u64(bytes, 24);
  layout.documents = read_u64(bytes, 32);
  layout.index_offset = read_u64(bytes, 40);
  layout.largest_id = read_u64(bytes, 48);
  if (layout.token_bytes != 2 && layout.token_bytes != 4)
    throw fail(12, "bytes per token is " + std::to_string(layout.token_bytes) + ", not 2 or 4");
  if (layout.vocab_size == 0 || layout.vocab_size > (1ull << 31))
    throw fail(16, "vocabulary size " + std::to_string(layout.vocab_size) + " is out of range");
  if (layout.token_bytes != token_bytes_for(layout.vocab_size))
    throw fail(12, std::to_string(layout.token_bytes) + " bytes per token do not suit a vocabulary of " +
                       std::to_string(layout.vocab_size));
  if (layout.tokens > 0 && layout.largest_id >= layout.vocab_size)
    throw fail(48, "the largest id " + std::to_string(layout.largest_id) + " is outside the vocabulary of " +
                       std::to_string(layout.vocab_size));
  // Sizes are checked against the file before anything is multiplied, so no count can overflow.
  const std::uint64_t body = bytes.size() - kTokenFileHeaderBytes;
  if (layout.tokens > body / layout.token_bytes)
    throw fail(24, std::to_string(layout.tokens) + " tokens do not fit in the file's " + std::to_string(bytes.size()) +
                       " bytes (truncated?)");
  const std::uint64_t expected_index = kTokenFileHeaderBytes + padded_to_8(layout.tokens * layout.token_bytes);
  if (layout.index_offset != expected_index)
    throw fail(40, "the index is said to start at byte " + std::to_string(layout.index_offset) + ", not " +
                       std::to_string(expected_index));
  if (layout.documents > (bytes.size() - expected_index) / 8 || bytes.size() != expected_index + layout.documents * 8)
    throw fail(32, "the file has " + std::to_string(bytes.size()) + " bytes, not the " +
                       std::to_string(expected_index) + " of the ids plus 8 for each of " +
                       std::to_string(layout.documents) + " documents (truncated?)");
  if ((layout.tokens == 0) != (layout.documents == 0))
    throw fail(32, std::to_string(layout.documents) + " documents for " + std::to_string(layout.tokens) + " tokens");
  std::uint64_t previous = 0;
  for (std::uint64_t d = 0; d < layout.documents; ++d) {
    const std::size_t at = static_cast<std::size_t>(expected_index + d * 8);
    const auto start = read_u64(bytes, at);
    if (d == 0 ? start != 0 : (start <= previous || start >= layout.tokens))
      throw fail(at, "document " + std::to_string(d) + " starts at token " + std::to_string(start) +
                         (d == 0 ? ", not 0" : ", not after the previous one and before the end"));
    previous = start;
  }
  return layout;
}

TokenFileWriter::TokenFileWriter(fs::path target, std::uint64_t vocab_size)
    : target_(std::move(target)), partial_(target_.string() + ".partial") {
  if (vocab_size == 0 || vocab_size > (1ull << 31))
    throw DataError(target_.string() + ": vocabulary size " + std::to_string(vocab_size) + " is out of range");
  layout_.vocab_size = vocab_size;
  layout_.token_bytes = token_bytes_for(vocab_size);
  std::error_code ec;
  if (!target_.parent_path().empty()) fs::create_directories(target_.parent_path(), ec);
  file_ = std::fopen(partial_.c_str(), "wb");
  if (!file_) throw IoError(partial_.string() + ": cannot open for writing: " + system_error_text());
  const std::vector<char> placeholder(kTokenFileHeaderBytes, 0);
  write(placeholder.data(), placeholder.size());
}

TokenFileWriter::~TokenFileWriter() {
  if (!file_) return;
  std::fclose(file_);
  std::error_code ec;
  fs::remove(partial_, ec);
}

void TokenFileWriter::write(const void* data, std::size_t bytes) {
  if (std::fwrite(data, 1, bytes, file_) != bytes)
    throw IoError(partial_.string() + ": write failed: " + system_error_text());
}

void TokenFileWriter::add_document(const std::vector<std::int64_t>& ids) {
  if (!file_) throw IoError(target_.string() + ": the token file is already finished");
  if (ids.empty()) return;
  constexpr std::int64_t kEos = 3;  // kEosId of core/text/tokenizer.h, which this file does not link
  const bool add_eos = ids.back() != kEos;
  document_starts_.push_back(layout_.tokens);
  buffer_.clear();
  const auto put = [&](std::int64_t id) {
    if (id < 0 || static_cast<std::uint64_t>(id) >= layout_.vocab_size)
      throw DataError(target_.string() + ": document " + std::to_string(document_starts_.size() - 1) + ": token id " +
                      std::to_string(id) + " is outside the vocabulary of " + std::to_string(layout_.vocab_size));
    const auto value = static_cast<std::uint32_t>(id);
    const auto* raw = reinterpret_cast<const unsigned char*>(&value);
    buffer_.insert(buffer_.end(), raw, raw + layout_.token_bytes);
    if (value > layout_.largest_id) layout_.largest_id = value;
  };
  for (const auto id : ids) put(id);
  if (add_eos) put(kEos);
  write(buffer_.data(), buffer_.size());
  layout_.tokens += ids.size() + (add_eos ? 1 : 0);
}

TokenFileLayout TokenFileWriter::finish() {
  if (!file_) throw IoError(target_.string() + ": the token file is already finished");
  const std::uint64_t id_bytes = layout_.tokens * layout_.token_bytes;
  const std::vector<char> padding(padded_to_8(id_bytes) - id_bytes, 0);
  write(padding.data(), padding.size());
  layout_.index_offset = kTokenFileHeaderBytes + padded_to_8(id_bytes);
  layout_.documents = document_starts_.size();
  write(document_starts_.data(), document_starts_.size() * sizeof(std::uint64_t));
  unsigned char header[kTokenFileHeaderBytes] = {};
  std::memcpy(header, kTokenFileMagic.data(), kTokenFileMagic.size());
  const std::uint32_t version = 1;
  std::memcpy(header + 8, &version, 4);
  std::memcpy(header + 12, &layout_.token_bytes, 4);
  std::memcpy(header + 16, &layout_.vocab_size, 8);
  std::memcpy(header + 24, &layout_.tokens, 8);
  std::memcpy(header + 32, &layout_.documents, 8);
  std::memcpy(header + 40, &layout_.index_offset, 8);
  std::memcpy(header + 48, &layout_.largest_id, 8);
  if (std::fseek(file_, 0, SEEK_SET) != 0) throw IoError(partial_.string() + ": seek failed: " + system_error_text());
  write(header, sizeof header);
  const bool flushed = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  std::error_code ec;
  if (!flushed || !closed) {
    fs::remove(partial_, ec);
    throw IoError(partial_.string() + ": write failed: " + system_error_text());
  }
  fs::rename(partial_, target_, ec);
  if (ec) {
    fs::remove(partial_, ec);
    throw IoError(target_.string() + ": cannot move the finished token file into place: " + ec.message());
  }
  return layout_;
}

std::shared_ptr<const MappedTokenFile> MappedTokenFile::open(const fs::path& path) {
  std::shared_ptr<MappedTokenFile> file(new MappedTokenFile());
  file->mapping_ = MappedFile::open(path);
  file->layout_ = parse_token_file_layout(file->mapping_->bytes(), path.string());
  return file;
}

std::uint64_t MappedTokenFile::token_at(std::uint64_t position) const {
  const auto* ids = static_cast<const unsigned char*>(token_data()) + position * layout_.token_bytes;
  if (layout_.token_bytes == 2) {
    std::uint16_t id;
    std::memcpy(&id, ids, 2);
    return id;
  }
  std::uint32_t id;
  std::memcpy(&id, ids, 4);
  return id;
}

std::uint64_t MappedTokenFile::document_start(std::uint64_t document) const {
  if (document >= layout_.documents) return layout_.tokens;
  std::uint64_t start;
  std::memcpy(&start, file_bytes() + layout_.index_offset + document * 8, 8);
  return start;
}

std::vector<std::int64_t> MappedTokenFile::tokens(std::uint64_t begin, std::uint64_t end) const {
  std::vector<std::int64_t> ids;
  end = std::min(end, layout_.tokens);
  for (std::uint64_t p = begin; p < end; ++p) ids.push_back(static_cast<std::int64_t>(token_at(p)));
  return ids;
}

}  // namespace cradle
