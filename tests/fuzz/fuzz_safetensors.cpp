// libFuzzer target: safetensors headers. Bad input must end in a DataError;
// what is accepted must describe byte ranges inside the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/export/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto layout = cradle::parse_safetensors_header(bytes, "model.safetensors");
    for (const auto& e : layout.entries)
      if (e.begin > e.end || layout.data_start + e.end > size || cradle::safetensors_element_size(e.dtype) == 0)
        __builtin_trap();
  } catch (const cradle::DataError&) {}
  return 0;
}
