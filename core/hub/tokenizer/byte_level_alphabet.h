#pragma once
// GPT-2's byte-level alphabet (`bytes_to_unicode` in its encoder.py, the
// ByteLevel pre-tokenizer and decoder of tokenizer.json): each of the 256
// bytes is shown as one printable character, so a vocabulary of strings
// covers every byte sequence. Printable bytes `!`..`~`, 0xA1..0xAC and
// 0xAE..0xFF stand for themselves; the others take U+0100 onwards in order
// (a space is `Ġ`, a newline `Ċ`).
#include <optional>
#include <string>
#include <string_view>

namespace cradle {

// Every byte of `bytes` as its character, UTF-8 encoded.
std::string to_byte_level(std::string_view bytes);

// The bytes behind a token written in the alphabet, or nothing when one of
// its characters is outside it (an added token such as `<|im_start|>`
// decodes as itself then).
std::optional<std::string> from_byte_level(std::string_view token);

}  // namespace cradle
