#include "core/data/table_encoding.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "core/common/error.h"

namespace cradle {

std::int64_t TableEncoding::width() const {
  std::int64_t w = static_cast<std::int64_t>(fill.size());
  for (const auto& v : vocabularies) w += embedding ? 1 : static_cast<std::int64_t>(v.size());
  return w;
}

std::int64_t TableEncoding::category_index(std::size_t column, const std::string& value) const {
  const auto& vocab = vocabularies[column];
  const auto it = std::lower_bound(vocab.begin(), vocab.end(), value);
  return it != vocab.end() && *it == value ? 1 + (it - vocab.begin()) : 0;
}

void TableEncoding::encode(const std::vector<double>& numbers, const std::vector<std::string>& categories,
                           float* out) const {
  std::int64_t col = 0;
  for (std::size_t k = 0; k < fill.size(); ++k, ++col) {
    const double v = std::isnan(numbers[k]) ? fill[k] : numbers[k];
    out[col] = static_cast<float>((v - shift[k]) / scale[k]);
  }
  for (std::size_t k = 0; k < vocabularies.size(); ++k) {
    const std::int64_t index = category_index(k, categories[k]);
    if (embedding) {
      out[col++] = static_cast<float>(index);  // exact: float32 holds integers below 2^24
      continue;
    }
    const auto size = static_cast<std::int64_t>(vocabularies[k].size());
    std::fill(out + col, out + col + size, 0.0f);
    if (index > 0) out[col + index - 1] = 1.0f;
    col += size;
  }
}

bool is_missing_table_cell(const std::string& cell) {
  static const std::set<std::string> markers = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"};
  return markers.count(cell) > 0;
}

nlohmann::ordered_json table_encoding_to_json(const TableEncoding& e) {
  nlohmann::ordered_json numeric = nlohmann::ordered_json::array(), categorical = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < e.numeric_names.size(); ++k)
    numeric.push_back(
        {{"column", e.numeric_names[k]}, {"fill", e.fill[k]}, {"shift", e.shift[k]}, {"scale", e.scale[k]}});
  for (std::size_t k = 0; k < e.categorical_names.size(); ++k)
    categorical.push_back({{"column", e.categorical_names[k]}, {"categories", e.vocabularies[k]}});
  return {{"numeric", numeric}, {"categorical", categorical}, {"categories_as", e.embedding ? "index" : "one_hot"}};
}

TableEncoding table_encoding_from_json(const nlohmann::ordered_json& j, const std::string& origin) {
  const auto bad = [&](const std::string& what) { return DataError(origin + ": input.table: " + what); };
  TableEncoding e;
  try {
    const std::string as = j.at("categories_as").get<std::string>();
    if (as != "index" && as != "one_hot") throw bad("categories_as \"" + as + "\" is not index or one_hot");
    e.embedding = as == "index";
    std::set<std::string> names;
    for (const auto& column : j.at("numeric")) {
      e.numeric_names.push_back(column.at("column").get<std::string>());
      e.fill.push_back(column.at("fill").get<double>());
      e.shift.push_back(column.at("shift").get<double>());
      e.scale.push_back(column.at("scale").get<double>());
      if (!std::isfinite(e.fill.back()) || !std::isfinite(e.shift.back()) || !(e.scale.back() > 0) ||
          !std::isfinite(e.scale.back()))
        throw bad("column \"" + e.numeric_names.back() +
                  "\" has a non-finite fill or shift, or a scale that is not positive");
      if (!names.insert(e.numeric_names.back()).second)
        throw bad("column \"" + e.numeric_names.back() + "\" appears twice");
    }
    for (const auto& column : j.at("categorical")) {
      e.categorical_names.push_back(column.at("column").get<std::string>());
      auto categories = column.at("categories").get<std::vector<std::string>>();
      if (!std::is_sorted(categories.begin(), categories.end()) ||
          std::adjacent_find(categories.begin(), categories.end()) != categories.end())
        throw bad("the categories of column \"" + e.categorical_names.back() + "\" are not sorted and distinct");
      e.vocabularies.push_back(std::move(categories));
      if (!names.insert(e.categorical_names.back()).second)
        throw bad("column \"" + e.categorical_names.back() + "\" appears twice");
    }
  } catch (const nlohmann::ordered_json::exception& error) {
    throw bad(std::string("missing or malformed (") + error.what() + ")");
  }
  if (e.numeric_names.empty() && e.categorical_names.empty()) throw bad("no feature columns");
  return e;
}

nlohmann::ordered_json example_table_row(const TableEncoding& e) {
  nlohmann::ordered_json row = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < e.numeric_names.size(); ++k) row[e.numeric_names[k]] = e.fill[k];
  for (std::size_t k = 0; k < e.categorical_names.size(); ++k)
    row[e.categorical_names[k]] =
        e.vocabularies[k].empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.vocabularies[k].front());
  return row;
}

EncodedTableRows encode_table_rows(const TableEncoding& e, const CsvTable& table, const std::string& origin) {
  const auto find = [&](const std::string& name) {
    const auto index = table.column(name);
    if (index < 0)
      throw DataError(origin + ": no column \"" + name + "\"; the model reads it (feature columns in training)");
    return static_cast<std::size_t>(index);
  };
  std::vector<std::size_t> numeric, categorical;
  for (const auto& name : e.numeric_names) numeric.push_back(find(name));
  for (const auto& name : e.categorical_names) categorical.push_back(find(name));
  EncodedTableRows out;
  const auto width = static_cast<std::size_t>(e.width());
  out.values.resize(table.rows.size() * width);
  std::vector<double> numbers(numeric.size());
  std::vector<std::string> categories(categorical.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& cells = table.rows[r];
    const std::string where = r < table.row_lines.size() ? origin + ":" + std::to_string(table.row_lines[r]) : origin;
    for (std::size_t k = 0; k < numeric.size(); ++k) {
      const std::string& cell = cells.at(numeric[k]);
      if (is_missing_table_cell(cell)) {
        numbers[k] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      char* end = nullptr;
      errno = 0;
      numbers[k] = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(numbers[k]))
        throw DataError(where + ": column \"" + e.numeric_names[k] + "\": \"" + cell.substr(0, 40) +
                        "\" is not a number");
    }
    for (std::size_t k = 0; k < categorical.size(); ++k) {
      const std::string& cell = cells.at(categorical[k]);
      categories[k] = is_missing_table_cell(cell) ? std::string() : cell;
    }
    e.encode(numbers, categories, out.values.data() + r * width);
    out.origins.push_back(where);
  }
  return out;
}

}  // namespace cradle
