#include "core/data/text_data_statistics.h"

#include <cstdio>

namespace cradle {

namespace {

// Records of a split: the prepared text's, or a mapped corpus file's documents.
std::size_t records_in(const std::vector<TextRecord>& records, const std::shared_ptr<const MappedTokenFile>& file) {
  return file ? static_cast<std::size_t>(file->layout().documents) : records.size();
}

}  // namespace

std::string format_text_data_statistics(const LanguageModelData& data) {
  const PreparedText& text = data.text;
  std::string out;
  char line[320];
  std::snprintf(line, sizeof line, "%lld records read from %zu file(s), %zu skipped\n",
                static_cast<long long>(text.records_read), text.files.size(), text.skipped.size());
  out += line;
  for (std::size_t i = 0; i < std::min<std::size_t>(text.skipped.size(), 5); ++i)
    out += "  skipped " + text.skipped[i] + "\n";
  if (!text.steps.empty()) {
    std::snprintf(line, sizeof line, "\n%-20s %9s %9s %9s %9s %11s %11s %8s\n", "step", "in", "out", "removed",
                  "changed", "chars in", "chars out", "seconds");
    out += line;
    for (const auto& r : text.steps) {
      std::snprintf(line, sizeof line, "%-20s %9lld %9lld %9lld %9lld %11lld %11lld %8.2f\n", r.op.c_str(),
                    static_cast<long long>(r.records_in), static_cast<long long>(r.records_out),
                    static_cast<long long>(r.removed()), static_cast<long long>(r.records_changed),
                    static_cast<long long>(r.chars_in), static_cast<long long>(r.chars_out), r.seconds);
      out += line;
    }
  }
  if (data.token_corpus)
    out += "\ntoken corpus " + data.token_corpus->folder.string() + " (memory-mapped; records are its documents)\n";
  std::snprintf(line, sizeof line, "\n%-12s %9s %11s %10s\n", "split", "records", "tokens", "sequences");
  out += line;
  const struct {
    const char* name;
    std::size_t records;
    std::int64_t tokens, sequences;
  } rows[] = {{"train", records_in(text.train, data.token_corpus ? data.token_corpus->train : nullptr),
               data.train_tokens, data.train.size()},
              {"validation", records_in(text.validation, data.token_corpus ? data.token_corpus->validation : nullptr),
               data.validation_tokens, data.validation.size()},
              {"test", records_in(text.test, data.token_corpus ? data.token_corpus->test : nullptr), data.test_tokens,
               data.test.size()}};
  for (const auto& row : rows) {
    std::snprintf(line, sizeof line, "%-12s %9zu %11lld %10lld\n", row.name, row.records,
                  static_cast<long long>(row.tokens), static_cast<long long>(row.sequences));
    out += line;
  }
  std::snprintf(line, sizeof line, "\ntokenizer %s: %lld tokens; %.3f%% of validation tokens are <unk>\n",
                data.tokenizer->type().c_str(), static_cast<long long>(data.vocab_size()),
                100.0 * data.validation_unknown_rate);
  out += line;
  std::snprintf(line, sizeof line, "unigram baseline: validation loss %.4f nats per token (a model must go below it)\n",
                data.unigram_baseline_loss);
  out += line;
  return out;
}

}  // namespace cradle
