#include "core/data/text_classification_data.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "core/common/error.h"
#include "core/data/language_model_data.h"

namespace cradle {
namespace {

bool is_integer_text(const std::string& s) {
  const std::size_t start = !s.empty() && s.front() == '-' ? 1 : 0;
  return s.size() > start && s.size() < 19 &&
         std::all_of(s.begin() + static_cast<std::ptrdiff_t>(start), s.end(),
                     [](unsigned char c) { return std::isdigit(c); });
}

std::int64_t class_index(const std::string& label, const std::vector<std::string>& class_names,
                         const std::string& origin) {
  const auto found = std::find(class_names.begin(), class_names.end(), label);
  if (found != class_names.end()) return found - class_names.begin();
  if (is_integer_text(label)) {
    const std::int64_t index = std::stoll(label);
    if (index >= 0 && index < static_cast<std::int64_t>(class_names.size())) return index;
  }
  throw DataError(origin + ": class \"" + label + "\" is not in data.class_names (" +
                  std::to_string(class_names.size()) + " classes; an integer label indexes them from 0)");
}

}  // namespace

std::vector<std::string> text_class_names(const Experiment& e, const PreparedText& text) {
  if (!e.data.class_names.empty()) {
    for (const auto* split : {&text.train, &text.validation, &text.test})
      for (const auto& record : *split) class_index(record.label, e.data.class_names, record.origin);
    return e.data.class_names;
  }
  std::vector<std::string> names;
  for (const auto* split : {&text.train, &text.validation, &text.test})
    for (const auto& record : *split) names.push_back(record.label);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (std::all_of(names.begin(), names.end(), is_integer_text))
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return std::stoll(a) < std::stoll(b); });
  if (names.size() < 2)
    throw DataError("data: text classification needs at least 2 classes, found " + std::to_string(names.size()) +
                    (names.empty() ? std::string() : " (\"" + names.front() + "\")"));
  return names;
}

TensorDataset encode_labelled_texts(const Tokenizer& tokenizer, const std::vector<TextRecord>& records,
                                    const std::vector<std::string>& class_names, std::int64_t length) {
  const auto n = static_cast<std::int64_t>(records.size());
  TensorDataset dataset;
  dataset.inputs = torch::full({n, length}, kPadId, torch::kInt64);
  dataset.targets = torch::empty({n}, torch::kInt64);
  auto inputs = dataset.inputs.accessor<std::int64_t, 2>();
  auto targets = dataset.targets.accessor<std::int64_t, 1>();
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& record = records[static_cast<std::size_t>(i)];
    auto ids = tokenizer.encode(record.text);
    if (ids.empty()) ids.push_back(kUnkId);  // a text of characters the vocabulary lacks still counts
    const auto kept = std::min<std::int64_t>(length, static_cast<std::int64_t>(ids.size()));
    for (std::int64_t t = 0; t < kept; ++t) inputs[i][t] = ids[static_cast<std::size_t>(t)];
    targets[i] = class_index(record.label, class_names, record.origin);
  }
  return dataset;
}

TextClassificationData load_text_classification_data(const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer) {
  TextClassificationData data;
  data.text = prepare_text_cached(e, &data.cache);
  data.class_names = text_class_names(e, data.text);
  data.tokenizer = text_tokenizer(e, data.text, std::move(tokenizer));
  const std::int64_t T = e.data.context_length;
  data.input_shape = {T};
  double total_tokens = 0;
  for (const auto& record : data.text.train) {
    const auto tokens = static_cast<std::int64_t>(data.tokenizer->encode(record.text).size());
    total_tokens += static_cast<double>(tokens);
    data.longest_tokens = std::max(data.longest_tokens, tokens);
    data.truncated_records += tokens > T;
  }
  data.mean_tokens = data.text.train.empty() ? 0 : total_tokens / static_cast<double>(data.text.train.size());
  data.train = encode_labelled_texts(*data.tokenizer, data.text.train, data.class_names, T);
  data.validation = encode_labelled_texts(*data.tokenizer, data.text.validation, data.class_names, T);
  data.test = encode_labelled_texts(*data.tokenizer, data.text.test, data.class_names, T);
  limit_text_samples(e, data);
  const auto counts = torch::bincount(data.train.targets, {}, data.num_classes());
  const auto majority = counts.argmax().item<std::int64_t>();
  data.majority_baseline_accuracy = data.test.targets.eq(majority).to(torch::kFloat64).mean().item<double>();
  return data;
}

Json text_classification_data_summary(const TextClassificationData& data) {
  Json summary = prepared_text_summary(data.text);
  summary["cache"] = to_string(data.cache);
  summary["tokenizer"] = Json{{"type", data.tokenizer->type()}, {"vocab_size", data.tokenizer->vocab_size()}};
  summary["train_samples"] = data.train.size();
  summary["validation_samples"] = data.validation.size();
  summary["test_samples"] = data.test.size();
  summary["mean_tokens"] = data.mean_tokens;
  summary["longest_tokens"] = data.longest_tokens;
  summary["truncated_records"] = data.truncated_records;
  summary["majority_baseline_accuracy"] = data.majority_baseline_accuracy;
  Json per_class = Json::object();
  const auto counts = torch::bincount(data.train.targets, {}, data.num_classes());
  for (std::int64_t c = 0; c < data.num_classes(); ++c)
    per_class[data.class_names[static_cast<std::size_t>(c)]] = counts[c].item<std::int64_t>();
  summary["train_class_counts"] = std::move(per_class);
  return summary;
}

std::string format_text_classification_statistics(const TextClassificationData& data) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "records: %lld read, %zu skipped; splits: %lld train, %lld validation, %lld test\n",
                static_cast<long long>(data.text.records_read), data.text.skipped.size(),
                static_cast<long long>(data.train.size()), static_cast<long long>(data.validation.size()),
                static_cast<long long>(data.test.size()));
  out += line;
  std::snprintf(line, sizeof line,
                "tokenizer: %s, %lld tokens; %.1f tokens per training text, longest %lld, %lld cut\n",
                data.tokenizer->type().c_str(), static_cast<long long>(data.vocab_size()), data.mean_tokens,
                static_cast<long long>(data.longest_tokens), static_cast<long long>(data.truncated_records));
  out += line;
  out += "classes (training texts):\n";
  const auto counts = torch::bincount(data.train.targets, {}, data.num_classes());
  for (std::int64_t c = 0; c < data.num_classes(); ++c) {
    std::snprintf(line, sizeof line, "  %-24s %8lld  %5.1f%%\n", data.class_names[static_cast<std::size_t>(c)].c_str(),
                  static_cast<long long>(counts[c].item<std::int64_t>()),
                  100.0 * static_cast<double>(counts[c].item<std::int64_t>()) /
                      static_cast<double>(std::max<std::int64_t>(1, data.train.size())));
    out += line;
  }
  std::snprintf(line, sizeof line, "majority-class baseline: test accuracy %.4f\n", data.majority_baseline_accuracy);
  out += line;
  return out;
}

}  // namespace cradle
