#pragma once
#include <string>
#include <string_view>

namespace cradle {

bool looks_gzipped(std::string_view bytes);

// Inflates a complete gzip stream; DataError names `origin` on corrupt or truncated input.
std::string gunzip(std::string_view bytes, const std::string& origin);

}  // namespace cradle
