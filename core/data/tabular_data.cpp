#include "core/data/tabular_data.h"

#include <torch/torch.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/data/csv_table.h"
#include "core/data/seeded_order.h"
#include "core/data/splits.h"
#include "core/data/table_encoding.h"

namespace cradle {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// One parsed row: numeric values (NaN when missing) and categorical strings.
struct Row {
  std::vector<double> numbers;
  std::vector<std::string> categories;  // "" when missing
  std::string target;
  std::string origin;  // file:line, for messages
};

struct Columns {
  std::vector<std::int64_t> numeric, categorical;  // indices into the header
  std::vector<std::string> numeric_names, categorical_names;
  std::int64_t target = -1;
};

Columns pick_columns(const DataSpec& d, const CsvTable& table, const std::string& origin) {
  const auto find = [&](const std::string& name, const std::string& field) {
    const auto index = table.column(name);
    if (index < 0) {
      std::string names;
      for (const auto& h : table.header) names += (names.empty() ? "" : ", ") + h;
      throw DataError(origin + ": no column \"" + name + "\" (" + field + "); the columns are " + names);
    }
    return index;
  };
  Columns c;
  c.target = find(d.target, "data.target");
  std::vector<std::string> features = d.columns;
  if (features.empty())
    for (const auto& h : table.header)
      if (h != d.target) features.push_back(h);
  for (const auto& name : d.categorical)
    if (std::find(features.begin(), features.end(), name) == features.end())
      throw DataError(origin + ": data.categorical names \"" + name + "\", which is not a feature column");
  for (const auto& name : features) {
    if (name == d.target) throw DataError(origin + ": data.columns lists the target \"" + name + "\" as a feature");
    const auto index = find(name, "data.columns");
    const bool categorical = std::find(d.categorical.begin(), d.categorical.end(), name) != d.categorical.end();
    (categorical ? c.categorical : c.numeric).push_back(index);
    (categorical ? c.categorical_names : c.numeric_names).push_back(name);
  }
  if (features.empty()) throw DataError(origin + ": no feature columns besides the target");
  return c;
}

std::vector<Row> read_rows(const DataSpec& d, const std::filesystem::path& file, const Columns* expected_columns,
                           Columns& columns_out, std::int64_t& dropped) {
  const std::string origin = file.string();
  const CsvTable table = parse_csv(read_file(file), origin);
  const Columns columns = pick_columns(d, table, origin);
  if (expected_columns && (columns.numeric_names != expected_columns->numeric_names ||
                           columns.categorical_names != expected_columns->categorical_names))
    throw DataError(origin + ": its feature columns differ from those of data.file");
  std::vector<Row> rows;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& cells = table.rows[r];
    Row row;
    row.origin = origin + ":" + std::to_string(table.row_lines[r]);
    row.target = cells[static_cast<size_t>(columns.target)];
    if (is_missing_table_cell(row.target))
      throw DataError(row.origin + ": no value in the target column \"" + d.target + "\"");
    bool any_missing = false;
    for (size_t k = 0; k < columns.numeric.size(); ++k) {
      const std::string& cell = cells[static_cast<size_t>(columns.numeric[k])];
      if (is_missing_table_cell(cell)) {
        row.numbers.push_back(kMissing);
        any_missing = true;
        continue;
      }
      char* end = nullptr;
      errno = 0;
      const double value = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
        throw DataError(row.origin + ": column \"" + columns.numeric_names[k] + "\": \"" + cell.substr(0, 40) +
                        "\" is not a number (list the column in data.categorical if it holds categories)");
      row.numbers.push_back(value);
    }
    for (auto index : columns.categorical) {
      const std::string& cell = cells[static_cast<size_t>(index)];
      any_missing |= is_missing_table_cell(cell);
      row.categories.push_back(is_missing_table_cell(cell) ? std::string() : cell);
    }
    if (any_missing && d.missing == "drop_row") {
      ++dropped;
      continue;
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw DataError(origin + ": no rows left to use");
  columns_out = columns;
  return rows;
}

// Statistics fitted on the training rows.
TableEncoding fit(const DataSpec& d, const Columns& columns, const std::vector<const Row*>& train) {
  TableEncoding enc;
  enc.numeric_names = columns.numeric_names;
  enc.categorical_names = columns.categorical_names;
  enc.embedding = d.categorical_encoding == "embedding";
  const size_t numeric = train.front()->numbers.size();
  for (size_t k = 0; k < numeric; ++k) {
    double sum = 0;
    std::int64_t count = 0;
    for (const Row* row : train)
      if (!std::isnan(row->numbers[k])) sum += row->numbers[k], ++count;
    const double fill =
        d.missing == "fill_constant" ? d.fill_value : (count > 0 ? sum / static_cast<double>(count) : 0.0);
    std::vector<double> values;
    for (const Row* row : train) values.push_back(std::isnan(row->numbers[k]) ? fill : row->numbers[k]);
    double shift = 0, scale = 1;
    if (d.scaling == "standard") {
      double mean = 0, square = 0;
      for (double v : values) mean += v;
      mean /= static_cast<double>(values.size());
      for (double v : values) square += (v - mean) * (v - mean);
      shift = mean;
      scale = std::sqrt(square / static_cast<double>(values.size()));
    } else if (d.scaling == "minmax") {
      const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
      shift = *lo;
      scale = *hi - *lo;
    }
    if (!(scale > 0)) scale = 1;  // a constant column stays constant
    enc.fill.push_back(fill);
    enc.shift.push_back(shift);
    enc.scale.push_back(scale);
  }
  const size_t categorical = train.front()->categories.size();
  for (size_t k = 0; k < categorical; ++k) {
    std::set<std::string> seen;
    for (const Row* row : train)
      if (!row->categories[k].empty()) seen.insert(row->categories[k]);
    enc.vocabularies.emplace_back(seen.begin(), seen.end());
  }
  return enc;
}

// A regression target cell as a number; DataError naming the row otherwise.
double target_number(const Row& row, const std::string& column) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(row.target.c_str(), &end);
  if (end == row.target.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
    throw DataError(row.origin + ": target column \"" + column + "\": \"" + row.target.substr(0, 40) +
                    "\" is not a number (task \"regression\")");
  return value;
}

// How targets become tensors: class indices, or standardised numbers.
struct TargetEncoding {
  std::vector<std::string> classes;  // classification
  bool regression = false;
  std::string column;
  double mean = 0, std = 1;
};

// Unknown or missing categories encode as all zeros (no column is hot), or index 0.
TensorDataset encode(const std::vector<const Row*>& rows, const TableEncoding& enc, const TargetEncoding& target) {
  const auto n = static_cast<std::int64_t>(rows.size());
  const auto& classes = target.classes;
  auto inputs = torch::zeros({n, enc.width()}, torch::kFloat32);
  auto targets = torch::empty({n}, target.regression ? torch::kFloat32 : torch::kInt64);
  for (std::int64_t i = 0; i < n; ++i) {
    const Row& row = *rows[static_cast<size_t>(i)];
    enc.encode(row.numbers, row.categories, inputs.data_ptr<float>() + i * enc.width());
    if (target.regression) {
      targets[i] = static_cast<float>((target_number(row, target.column) - target.mean) / target.std);
      continue;
    }
    const auto cls = std::find(classes.begin(), classes.end(), row.target);
    if (cls == classes.end())
      throw DataError(row.origin + ": target \"" + row.target + "\" is not among data.class_names");
    targets.accessor<std::int64_t, 1>()[i] = cls - classes.begin();
  }
  return {inputs, targets};
}

std::vector<std::int64_t> labels_of(const std::vector<Row>& rows, const std::vector<std::int64_t>& order,
                                    std::map<std::string, std::int64_t>& ids) {
  std::vector<std::int64_t> labels(rows.size());
  for (auto i : order)
    labels[static_cast<size_t>(i)] = ids.emplace(rows[static_cast<size_t>(i)].target, ids.size()).first->second;
  return labels;
}

std::vector<const Row*> pick(const std::vector<Row>& rows, const std::vector<std::int64_t>& indices) {
  std::vector<const Row*> out;
  for (auto i : indices) out.push_back(&rows[static_cast<size_t>(i)]);
  return out;
}

// Everything between the CSV files and tensors: rows read, splits chosen,
// classes and target statistics known, the encoding fitted on training rows.
struct PreparedTable {
  Columns columns;
  std::vector<Row> rows, test_rows;
  std::vector<const Row*> train, validation, test;
  std::vector<std::string> class_names;
  TargetEncoding target;
  TableEncoding encoding;
  std::int64_t dropped_rows = 0;
};

PreparedTable prepare_table(const Experiment& e) {
  const DataSpec& d = e.data;
  const bool regression = e.task == Task::Regression;
  const bool stratify = d.stratify && !regression;  // numbers have no classes to balance
  PreparedTable t;
  t.rows = read_rows(d, e.resolve(d.file), nullptr, t.columns, t.dropped_rows);
  const std::vector<Row>& rows = t.rows;
  std::vector<std::int64_t> train_pool, test_indices;
  std::map<std::string, std::int64_t> ids;
  if (!d.test_file.empty()) {
    Columns test_columns;
    t.test_rows = read_rows(d, e.resolve(d.test_file), &t.columns, test_columns, t.dropped_rows);
    train_pool = seeded_permutation(static_cast<std::int64_t>(rows.size()), e.seed);
  } else {
    // A seeded, stratified share of the file is the test split (the same for a later eval).
    const auto order = seeded_permutation(static_cast<std::int64_t>(rows.size()), e.seed ^ 0x7e57ull);
    const auto split = split_by_labels(order, labels_of(rows, order, ids), d.test_fraction, stratify);
    if (split.held_out.empty() || split.rest.empty())
      throw DataError(e.resolve(d.file).string() + ": data.test_fraction leaves an empty test or training split of " +
                      std::to_string(rows.size()) + " rows");
    test_indices = split.held_out;
    train_pool = split.rest;
  }
  if (d.max_train_samples > 0 && d.max_train_samples < static_cast<std::int64_t>(train_pool.size()))
    train_pool.resize(static_cast<size_t>(d.max_train_samples));
  const auto split = split_by_labels(train_pool, labels_of(rows, train_pool, ids), d.validation_fraction, stratify);
  if (split.rest.empty())
    throw DataError("data.validation_fraction: leaves no training rows out of " + std::to_string(train_pool.size()));
  t.train = pick(rows, split.rest);
  t.validation = pick(rows, split.held_out);
  if (t.test_rows.empty()) {
    t.test = pick(rows, test_indices);
  } else {
    for (const auto& row : t.test_rows) t.test.push_back(&row);
  }
  if (d.max_test_samples > 0 && d.max_test_samples < static_cast<std::int64_t>(t.test.size()))
    t.test.resize(static_cast<size_t>(d.max_test_samples));

  t.target.regression = regression;
  t.target.column = d.target;
  if (regression) {
    // Standardised with the training rows' statistics; errors are reported back in target units.
    double sum = 0, squares = 0;
    for (const Row* row : t.train) {
      const double y = target_number(*row, d.target);
      sum += y;
      squares += y * y;
    }
    const auto n = static_cast<double>(t.train.size());
    t.target.mean = sum / n;
    const double variance = squares / n - t.target.mean * t.target.mean;
    t.target.std = variance > 1e-24 ? std::sqrt(variance) : 1.0;
  }
  // Classes: the experiment's, else every target value seen, sorted.
  t.class_names = d.class_names;
  if (!regression && t.class_names.empty()) {
    std::set<std::string> seen;
    for (const auto& row : rows) seen.insert(row.target);
    for (const auto& row : t.test_rows) seen.insert(row.target);
    t.class_names.assign(seen.begin(), seen.end());
  }
  if (!regression && t.class_names.size() < 2)
    throw DataError(e.resolve(d.file).string() + ": the target column \"" + d.target + "\" holds a single class");
  t.target.classes = t.class_names;
  t.encoding = fit(d, t.columns, t.train);
  return t;
}

// Names of the encoded columns, in order: "area", "district=east", "district (index)".
std::vector<std::string> encoded_column_names(const PreparedTable& t) {
  std::vector<std::string> names = t.columns.numeric_names;
  for (size_t k = 0; k < t.encoding.vocabularies.size(); ++k) {
    const std::string& column = t.columns.categorical_names[k];
    if (t.encoding.embedding) {
      names.push_back(column + " (index)");
      continue;
    }
    for (const auto& value : t.encoding.vocabularies[k]) names.push_back(column + "=" + value);
  }
  return names;
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

ClassificationData load_tabular_classification(const Experiment& e, SplitsToLoad which) {
  const PreparedTable t = prepare_table(e);
  ClassificationData data;
  data.dropped_rows = t.dropped_rows;
  data.class_names = t.class_names;
  if (t.target.regression) {
    data.target_mean = t.target.mean;
    data.target_std = t.target.std;
  }
  data.test = encode(t.test, t.encoding, t.target);
  if (which == SplitsToLoad::All) {
    data.train = encode(t.train, t.encoding, t.target);
    data.validation = encode(t.validation, t.encoding, t.target);
  }
  data.input_shape = {t.encoding.width()};
  if (t.encoding.embedding)
    for (const auto& vocabulary : t.encoding.vocabularies)
      data.category_sizes.push_back(static_cast<std::int64_t>(vocabulary.size()) + 1);
  return data;
}

TableEncoding fit_table_encoding(const Experiment& e) { return prepare_table(e).encoding; }

TablePreview preview_table(const Experiment& e, std::int64_t samples) {
  const PreparedTable t = prepare_table(e);
  TablePreview p;
  p.encoded_columns = encoded_column_names(t);
  p.dropped_rows = t.dropped_rows;
  p.split_sizes = {static_cast<std::int64_t>(t.train.size()), static_cast<std::int64_t>(t.validation.size()),
                   static_cast<std::int64_t>(t.test.size())};
  const auto& enc = t.encoding;
  for (size_t k = 0; k < enc.fill.size(); ++k) {
    std::string how = e.data.scaling == "none"
                          ? "as is"
                          : "(x - " + format_number(enc.shift[k]) + ") / " + format_number(enc.scale[k]);
    p.column_encodings.push_back(
        {t.columns.numeric_names[k], "numeric", how + ", missing -> " + format_number(enc.fill[k])});
  }
  for (size_t k = 0; k < enc.vocabularies.size(); ++k) {
    std::string values;
    for (size_t v = 0; v < enc.vocabularies[k].size() && v < 12; ++v)
      values += (v ? ", " : "") + enc.vocabularies[k][v];
    if (enc.vocabularies[k].size() > 12) values += ", ...";
    const std::string count = std::to_string(enc.vocabularies[k].size()) + " categories (" + values + ")";
    p.column_encodings.push_back({t.columns.categorical_names[k], "categorical",
                                  enc.embedding ? count + " -> index 1.." + std::to_string(enc.vocabularies[k].size()) +
                                                      ", unknown or missing -> 0"
                                                : count + " -> one-hot, unknown or missing -> all zero"});
  }
  p.target = t.target.regression ? "\"" + e.data.target + "\": (y - " + format_number(t.target.mean) + ") / " +
                                       format_number(t.target.std)
                                 : "\"" + e.data.target + "\": " + std::to_string(t.class_names.size()) + " classes";
  const auto count = std::min<size_t>(static_cast<size_t>(samples), t.train.size());
  const std::vector<const Row*> shown(t.train.begin(), t.train.begin() + static_cast<std::ptrdiff_t>(count));
  const TensorDataset encoded = encode(shown, t.encoding, t.target);
  for (size_t i = 0; i < count; ++i) {
    const Row& row = *shown[i];
    TablePreviewRow out;
    out.origin = row.origin;
    for (size_t k = 0; k < row.numbers.size(); ++k)
      out.raw.emplace_back(t.columns.numeric_names[k],
                           std::isnan(row.numbers[k]) ? "(missing)" : format_number(row.numbers[k]));
    for (size_t k = 0; k < row.categories.size(); ++k)
      out.raw.emplace_back(t.columns.categorical_names[k], row.categories[k].empty() ? "(missing)" : row.categories[k]);
    const auto values = encoded.inputs[static_cast<std::int64_t>(i)];
    for (std::int64_t c = 0; c < values.size(0); ++c) out.encoded.push_back(values[c].item<double>());
    out.target_raw = row.target;
    out.target_encoded = t.target.regression
                             ? encoded.targets[static_cast<std::int64_t>(i)].item<double>()
                             : static_cast<double>(encoded.targets[static_cast<std::int64_t>(i)].item<std::int64_t>());
    p.rows.push_back(std::move(out));
  }
  return p;
}

}  // namespace cradle
