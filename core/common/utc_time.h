#pragma once
#include <string>

namespace cradle {

// The current time in UTC as ISO 8601, e.g. 2026-11-29T13:04:28Z.
std::string utc_timestamp();

}  // namespace cradle
