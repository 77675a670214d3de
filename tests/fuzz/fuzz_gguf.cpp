// libFuzzer target: GGUF files (core/export/gguf_header.h). Bad input must
// end in a DataError; what is accepted must describe tensors whose bytes lie
// inside the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/export/gguf_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto file = cradle::parse_gguf(std::string(reinterpret_cast<const char*>(data), size), "model.gguf");
    for (const auto& info : file.tensors) {
      try {
        if (file.tensor_bytes(info).size() > size) __builtin_trap();
      } catch (const cradle::DataError&) {}  // a ggml type Cradle does not read
    }
  } catch (const cradle::DataError&) {}
  return 0;
}
