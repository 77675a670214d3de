// libFuzzer target: GGUF files (core/export/gguf_header.h) and their metadata
// read as a Hugging Face config (core/hub/gguf_hub_config.h) and tokenizer
// (core/hub/gguf_tokenizer.h). Bad input must end in a DataError; what is
// accepted must describe tensors whose bytes lie inside the input, a config no
// larger than those tensors, and a tokenizer that encodes and decodes text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/export/gguf_header.h"
#include "core/hub/gguf_hub_config.h"
#include "core/hub/gguf_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto file = cradle::parse_gguf(std::string(reinterpret_cast<const char*>(data), size), "model.gguf");
    for (const auto& info : file.tensors) {
      try {
        if (file.tensor_bytes(info).size() > size) __builtin_trap();
      } catch (const cradle::DataError&) {}  // a ggml type Cradle does not read
    }
    try {
      const auto tokenizer = cradle::gguf_tokenizer(file);
      tokenizer->decode(tokenizer->encode("Hello, world 123 \xE4\xBD\xA0\xE5\xA5\xBD\n"));
    } catch (const cradle::DataError&) {}
    const auto config = cradle::gguf_hub_config(file);
    if (config.hidden_size < 1 || config.num_attention_heads < 1 || config.head_dim < 1) __builtin_trap();
  } catch (const cradle::DataError&) {}
  return 0;
}
