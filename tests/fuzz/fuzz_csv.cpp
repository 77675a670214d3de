// libFuzzer target: the CSV parser. Bad input must end in a DataError; an
// accepted table must be rectangular with one start line per row.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/data/csv_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto table = cradle::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    if (table.header.empty() || table.rows.size() != table.row_lines.size()) __builtin_trap();
    std::int64_t previous_line = 0;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (table.rows[r].size() != table.header.size() || table.row_lines[r] <= previous_line) __builtin_trap();
      previous_line = table.row_lines[r];
    }
  } catch (const cradle::DataError&) {
  }
  return 0;
}
