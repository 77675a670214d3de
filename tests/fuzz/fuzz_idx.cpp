// libFuzzer target: the IDX parser (and the gzip layer in front of it) must
// reject any input with a DataError, never crash, leak or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/error.h"
#include "core/data/gzip.h"
#include "core/data/idx_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    if (cradle::looks_gzipped(bytes)) bytes = cradle::gunzip(bytes, "fuzz.gz");
    const auto array = cradle::parse_idx(bytes, "fuzz.idx");
    // An accepted array must be self-consistent.
    std::uint64_t count = 1;
    for (auto d : array.dims) count *= static_cast<std::uint64_t>(d);
    if (count != array.values.size()) __builtin_trap();
  } catch (const cradle::DataError&) {}
  return 0;
}
