#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace cradle {

// Offset of the first byte that breaks UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF included), or nothing when `text` is valid.
std::optional<std::size_t> first_invalid_utf8_byte(std::string_view text);

}  // namespace cradle
