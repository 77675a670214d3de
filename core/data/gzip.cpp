#include "core/data/gzip.h"

#include <zlib.h>

#include "core/common/error.h"

namespace cradle {

bool looks_gzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, const std::string& origin) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw DataError(origin + ": cannot start gzip decoder");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  // Far above any real data set file; stops a crafted stream from exhausting memory.
  constexpr size_t kMaxInflated = size_t(8) << 30;
  std::string out;
  char chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string reason =
          rc == Z_BUF_ERROR ? "stream ends early (truncated file)" : (stream.msg ? stream.msg : "corrupt data");
      const auto offset = stream.total_in;
      inflateEnd(&stream);
      throw DataError(origin + ": gzip error at compressed byte " + std::to_string(offset) + ": " + reason);
    }
    out.append(chunk, sizeof(chunk) - stream.avail_out);
    if (out.size() > kMaxInflated) {
      inflateEnd(&stream);
      throw DataError(origin + ": inflates to more than 8 GiB; refusing it as corrupt");
    }
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace cradle
