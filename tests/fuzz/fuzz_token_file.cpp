// libFuzzer target: the token file's header and index check (what opening a
// mapped corpus reads) must reject any input with a DataError, never crash or
// read out of bounds; an accepted layout must account for every byte.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/data/token_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto layout = cradle::parse_token_file_layout(bytes, "fuzz.tokens");
    const std::uint64_t ids = layout.tokens * layout.token_bytes;
    if (layout.index_offset < cradle::kTokenFileHeaderBytes + ids || layout.index_offset > size) __builtin_trap();
    if (layout.index_offset + layout.documents * 8 != size) __builtin_trap();
    if (layout.tokens > 0 && layout.largest_id >= layout.vocab_size) __builtin_trap();
  } catch (const cradle::DataError&) {}
  return 0;
}
