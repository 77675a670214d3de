#pragma once
// A CSV file as text cells: a header row, then records (RFC 4180: commas,
// double-quoted fields with "" for a quote, fields spanning lines, LF or CRLF).
// Parsing needs no LibTorch, so the fuzz target links it alone.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::int64_t> row_lines;  // 1-based line where each row starts, for messages

  // Index of a header column; -1 when absent.
  std::int64_t column(const std::string& name) const;
};

// DataError naming `origin`, the line (and byte for bad UTF-8): a ragged row,
// an unclosed quote, a stray quote inside a field, duplicate or empty header
// names, no header.
CsvTable parse_csv(std::string_view text, const std::string& origin);

}  // namespace cradle
