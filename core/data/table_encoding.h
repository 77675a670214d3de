#pragma once
// How a table's feature columns become a model's input row, as fitted on the
// training rows (core/data/tabular_data.h): numeric columns filled when
// missing and scaled, categorical columns one-hot (or an index for an
// embedding), unknown or missing categories all zero (or index 0). Stored in
// a model bundle so that CSV rows are predicted exactly as training encoded
// them. Needs no LibTorch, so the CSV fuzz target links it.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/csv_table.h"

namespace cradle {

struct TableEncoding {
  std::vector<std::string> numeric_names, categorical_names;
  std::vector<double> fill, shift, scale;              // per numeric column: value = (x or fill - shift) / scale
  std::vector<std::vector<std::string>> vocabularies;  // per categorical column, sorted
  bool embedding = false;  // categories as one index column each (0: unknown or missing), not one-hot

  std::int64_t width() const;
  // 0 for a category not seen in training (or missing), else 1 + its place in the vocabulary.
  std::int64_t category_index(std::size_t column, const std::string& value) const;
  // One encoded row into out[0 .. width()): `numbers` NaN where missing, `categories` "" where missing.
  void encode(const std::vector<double>& numbers, const std::vector<std::string>& categories, float* out) const;
};

// "", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"
bool is_missing_table_cell(const std::string& cell);

nlohmann::ordered_json table_encoding_to_json(const TableEncoding& encoding);
// DataError naming `origin` when a field is missing, malformed or inconsistent.
TableEncoding table_encoding_from_json(const nlohmann::ordered_json& j, const std::string& origin);

// A row of training-typical values (numbers at their fill value, categories
// at their first) as a JSON object: a sample request for the HTTP service.
nlohmann::ordered_json example_table_row(const TableEncoding& encoding);

struct EncodedTableRows {
  std::vector<float> values;         // rows x encoding.width(), row-major
  std::vector<std::string> origins;  // "file:line" per row
};

// The rows of `table`, whose header names every feature column (other
// columns, such as the target, are ignored). DataError naming the file, line
// and column of a missing column or a cell that is not a number (rows are
// named "origin:line", or "origin" when the table has no row_lines).
EncodedTableRows encode_table_rows(const TableEncoding& encoding, const CsvTable& table, const std::string& origin);

}  // namespace cradle
