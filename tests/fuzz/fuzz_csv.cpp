// libFuzzer target: the CSV parser, and the encoding of parsed rows for a
// table bundle's prediction. Bad input must end in a DataError; an accepted
// table must be rectangular with one start line per row, and its encoded rows
// hold exactly width() finite values each.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/data/csv_table.h"
#include "core/data/table_encoding.h"

namespace {

// Columns named as the seed corpus names them: numbers "a" and "b", categories "c".
const cradle::TableEncoding& encoding() {
  static const cradle::TableEncoding e = [] {
    cradle::TableEncoding t;
    t.numeric_names = {"a", "b"};
    t.fill = {0.5, -1};
    t.shift = {1, 0};
    t.scale = {2, 1e-3};
    t.categorical_names = {"c"};
    t.vocabularies = {{"x", "y", "z"}};
    return t;
  }();
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto table = cradle::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    if (table.header.empty() || table.rows.size() != table.row_lines.size()) __builtin_trap();
    std::int64_t previous_line = 0;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      if (table.rows[r].size() != table.header.size() || table.row_lines[r] <= previous_line) __builtin_trap();
      previous_line = table.row_lines[r];
    }
    const auto rows = cradle::encode_table_rows(encoding(), table, "fuzz.csv");
    if (rows.values.size() != table.rows.size() * static_cast<std::size_t>(encoding().width()) ||
        rows.origins.size() != table.rows.size())
      __builtin_trap();
    for (const float v : rows.values)
      if (std::isnan(v)) __builtin_trap();  // scaling may overflow float32 to inf, never give NaN
  } catch (const cradle::DataError&) {}
  return 0;
}
