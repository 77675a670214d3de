// libFuzzer target: a Hugging Face tokenizer.json. Bad input must end in a
// ConfigError; an accepted tokenizer must encode a fixed set of texts (plain,
// emoji, CJK, white space, special-looking tokens) to ids it can decode, each
// id below vocab_size(), or refuse one with a DataError (a pattern that
// backtracks past ICU's step limit).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/hub/hub_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::unique_ptr<cradle::HubTokenizer> tokenizer;
  try {
    tokenizer = cradle::HubTokenizer::parse(text, "", "fuzz");
  } catch (const cradle::ConfigError&) {
    return 0;
  }
  for (const char* sample : {"Hello world, it's 2026!", "  \n\n\t x", "\xF0\x9F\x98\x80 \xE4\xB8\xAD\xE6\x96\x87",
                             "<s>a</s><|im_start|>", ""}) {
    std::vector<std::int64_t> ids;
    try {
      ids = tokenizer->encode_with_special_tokens(sample);
    } catch (const cradle::DataError&) {  // a pattern that gives up on the text (ICU's step limit)
      continue;
    }
    for (const auto id : ids)
      if (id < 0 || id >= tokenizer->vocab_size()) __builtin_trap();
    (void)tokenizer->decode(ids);
  }
  return 0;
}
