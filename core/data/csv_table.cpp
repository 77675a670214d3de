#include "core/data/csv_table.h"

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/common/utf8.h"

namespace cradle {

std::int64_t CsvTable::column(const std::string& name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<std::int64_t>(it - header.begin());
}

namespace {

// The header (the first record: every column named once) or a row of as many fields.
void add_csv_record(CsvTable& table, std::vector<std::string> record, const std::string& where, std::int64_t line) {
  if (table.header.empty()) {
    std::set<std::string> seen;
    for (size_t i = 0; i < record.size(); ++i) {
      if (record[i].empty()) throw DataError(where + "header column " + std::to_string(i + 1) + " has no name");
      if (!seen.insert(record[i]).second) throw DataError(where + "header names \"" + record[i] + "\" twice");
    }
    table.header = std::move(record);
    return;
  }
  if (record.size() != table.header.size())
    throw DataError(where + std::to_string(record.size()) + " fields, the header has " +
                    std::to_string(table.header.size()));
  table.rows.push_back(std::move(record));
  table.row_lines.push_back(line);
}

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& origin) {
  if (const auto bad = first_invalid_utf8_byte(text))
    throw DataError(origin + ": byte " + std::to_string(*bad) + " is not valid UTF-8");
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // byte-order mark

  CsvTable table;
  std::vector<std::string> record;
  std::string field;
  std::int64_t line = 1, record_line = 1;
  bool in_quotes = false, field_was_quoted = false, record_has_content = false;
  const auto where = [&](std::int64_t at) { return origin + ":" + std::to_string(at) + ": "; };

  const auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    const bool blank = record.size() == 1 && record[0].empty() && !field_was_quoted;
    if (!blank)
      add_csv_record(table, std::move(record), origin + ":" + std::to_string(record_line) + ": ", record_line);
    record.clear();
    field_was_quoted = false;
    record_has_content = false;
  };

  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!record_has_content) {
      record_line = line;
      record_has_content = true;
    }
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          if (i + 1 < text.size() && text[i + 1] != ',' && text[i + 1] != '\n' && text[i + 1] != '\r')
            throw DataError(where(line) + "text after the closing quote of a field");
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty()) throw DataError(where(line) + "a quote inside an unquoted field (quote the whole field)");
      in_quotes = true;
      field_was_quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      // the \n ends the record
    } else if (c == '\n') {
      end_record();
      ++line;
    } else {
      field.push_back(c);
    }
  }
  if (in_quotes) throw DataError(where(record_line) + "a quoted field is never closed");
  if (record_has_content) end_record();
  if (table.header.empty()) throw DataError(origin + ": no header row; the first line must name the columns");
  return table;
}

}  // namespace cradle
