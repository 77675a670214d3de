#include "core/data/language_model_data.h"

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/data/seeded_order.h"

namespace cradle {

std::vector<std::int64_t> token_stream(const Tokenizer& tokenizer, const std::vector<TextRecord>& records) {
  std::vector<std::int64_t> stream;
  for (const auto& record : records) {
    const auto ids = tokenizer.encode_document(record.text);
    stream.insert(stream.end(), ids.begin(), ids.end());
  }
  return stream;
}

std::vector<std::int64_t> document_prompt_ids(const Tokenizer& tokenizer, const std::string& text) {
  const auto end = tokenizer.document_end_id();
  std::vector<std::int64_t> ids;
  if (end) ids.push_back(*end);  // the end of the document before
  auto document = tokenizer.encode_document(text);
  if (end && !document.empty() && document.back() == *end) document.pop_back();  // without its own end
  ids.insert(ids.end(), document.begin(), document.end());
  return ids;
}

double unigram_cross_entropy(const std::vector<std::int64_t>& fitted, const std::vector<std::int64_t>& evaluated,
                             std::int64_t vocab_size) {
  if (evaluated.empty()) return 0;
  std::vector<double> counts(static_cast<std::size_t>(vocab_size), 1.0);
  for (const auto id : fitted) counts[static_cast<std::size_t>(id)] += 1;
  const double total = static_cast<double>(fitted.size()) + static_cast<double>(vocab_size);
  double loss = 0;
  for (const auto id : evaluated) loss -= std::log(counts[static_cast<std::size_t>(id)] / total);
  return loss / static_cast<double>(evaluated.size());
}

TensorDataset sequence_windows(const std::vector<std::int64_t>& stream, std::int64_t context_length) {
  const auto length = static_cast<std::int64_t>(stream.size());
  const std::int64_t windows = length > context_length ? (length - 1) / context_length : 0;
  TensorDataset dataset;
  if (windows == 0) return dataset;
  const auto all = torch::tensor(stream, torch::kInt64);
  const auto starts = torch::arange(windows, torch::kInt64).mul_(context_length).unsqueeze(1);
  const auto offsets = torch::arange(context_length + 1, torch::kInt64).unsqueeze(0);
  const auto index = (starts + offsets).reshape({-1});
  const auto rows = all.index_select(0, index).reshape({windows, context_length + 1});
  dataset.inputs = rows.slice(1, 0, context_length).contiguous();
  dataset.targets = rows.slice(1, 1, context_length + 1).contiguous();
  return dataset;
}

TensorDataset mapped_sequence_windows(std::shared_ptr<const MappedTokenFile> file, std::int64_t context_length) {
  const auto& layout = file->layout();
  const auto length = static_cast<std::int64_t>(layout.tokens);
  const std::int64_t windows = length > context_length ? (length - 1) / context_length : 0;
  TensorDataset dataset;
  if (windows == 0) return dataset;
  // u16 ids are viewed as int16 (LibTorch has no u16) and widened per batch.
  const auto type = layout.token_bytes == 2 ? torch::kInt16 : torch::kInt32;
  // The tensor holds the mapping alive; the memory is read-only, and nothing writes to it.
  const auto all = torch::from_blob(
      const_cast<void*>(file->token_data()), {length}, [file](void*) mutable { file.reset(); },
      torch::TensorOptions().dtype(type));
  dataset.inputs = all.as_strided({windows, context_length}, {context_length, 1}, 0);
  dataset.targets = all.as_strided({windows, context_length}, {context_length, 1}, 1);
  dataset.mapped_vocab_size = static_cast<std::int64_t>(layout.vocab_size);
  return dataset;
}

namespace {

LanguageModelData load_mapped_language_model_data(const Experiment& e, std::shared_ptr<const Tokenizer> saved) {
  LanguageModelData data;
  auto corpus = std::make_shared<TokenCorpus>(open_token_corpus(e.resolve(e.data.folder)));
  // A run's own tokenizer (evaluation, a resumed run, init_from) must number the tokens as the corpus does.
  if (saved) check_same_vocabulary(*corpus, *saved, "the run's tokenizer");
  data.tokenizer = saved ? saved : corpus->tokenizer;
  const std::int64_t T = e.data.context_length;
  data.train_tokens = static_cast<std::int64_t>(corpus->train->layout().tokens);
  data.validation_tokens = static_cast<std::int64_t>(corpus->validation->layout().tokens);
  data.test_tokens = static_cast<std::int64_t>(corpus->test->layout().tokens);
  // Measured when the corpus was written: reading every id again would page in the whole corpus.
  try {
    data.validation_unknown_rate = corpus->summary.value("validation_unknown_rate", 0.0);
    data.unigram_baseline_loss = corpus->summary.value("unigram_baseline_loss", 0.0);
    data.text.files = corpus->summary.value("files", std::vector<std::string>{});
    data.text.records_read = corpus->summary.value("records_read", std::int64_t{0});
  } catch (const Json::exception& error) {
    throw DataError(token_corpus_summary_file(corpus->folder).string() + ": " + error.what());
  }
  data.train = mapped_sequence_windows(corpus->train, T);
  data.validation = mapped_sequence_windows(corpus->validation, T);
  data.test = mapped_sequence_windows(corpus->test, T);
  data.token_corpus = std::move(corpus);
  return data;
}

}  // namespace

LanguageModelData load_language_model_data(const Experiment& e, std::shared_ptr<const Tokenizer> tokenizer) {
  if (e.data.source == DataSource::Tokens) {
    auto data = load_mapped_language_model_data(e, std::move(tokenizer));
    check_language_model_splits(e, data);
    limit_text_samples(e, data);
    return data;
  }
  LanguageModelData data;
  data.text = prepare_text_cached(e, &data.cache);
  data.tokenizer = text_tokenizer(e, data.text, std::move(tokenizer));
  const std::int64_t T = e.data.context_length;
  const auto train_stream = token_stream(*data.tokenizer, data.text.train);
  const auto validation_stream = token_stream(*data.tokenizer, data.text.validation);
  const auto test_stream = token_stream(*data.tokenizer, data.text.test);
  data.train_tokens = static_cast<std::int64_t>(train_stream.size());
  data.validation_tokens = static_cast<std::int64_t>(validation_stream.size());
  data.test_tokens = static_cast<std::int64_t>(test_stream.size());
  std::int64_t unknown = 0;
  if (const auto unknown_id = data.tokenizer->unknown_id())
    for (const auto id : validation_stream) unknown += id == *unknown_id;
  data.validation_unknown_rate =
      validation_stream.empty() ? 0 : static_cast<double>(unknown) / static_cast<double>(validation_stream.size());
  data.unigram_baseline_loss = unigram_cross_entropy(train_stream, validation_stream, data.tokenizer->vocab_size());

  data.train = sequence_windows(train_stream, T);
  data.validation = sequence_windows(validation_stream, T);
  data.test = sequence_windows(test_stream, T);
  check_language_model_splits(e, data);
  limit_text_samples(e, data);
  return data;
}

void check_language_model_splits(const Experiment& e, const LanguageModelData& data) {
  const std::int64_t T = e.data.context_length;
  const bool mapped = e.data.source == DataSource::Tokens;
  const auto too_short = [&](const char* split, std::int64_t tokens) {
    return DataError("data: the " + std::string(split) + " split has " + std::to_string(tokens) +
                     " tokens, fewer than data.context_length + 1 (" + std::to_string(T + 1) +
                     "); lower context_length" +
                     (mapped ? " or write the corpus from more text" : " or give the split a larger fraction"));
  };
  if (data.train.size() == 0) throw too_short("training", data.train_tokens);
  if (data.test.size() == 0) throw too_short("test", data.test_tokens);
  if (e.data.validation_fraction > 0 && data.validation.size() == 0)
    throw too_short("validation", data.validation_tokens);
}

std::shared_ptr<const Tokenizer> text_tokenizer(const Experiment& e, const PreparedText& text,
                                                std::shared_ptr<const Tokenizer> saved) {
  if (saved) return saved;
  std::vector<std::string> texts;
  texts.reserve(text.train.size());
  for (const auto& record : text.train) texts.push_back(record.text);
  return train_tokenizer(e.data.tokenizer, texts);
}

void limit_text_samples(const Experiment& e, DataSplits& splits) {
  if (e.data.max_train_samples > 0 && e.data.max_train_samples < splits.train.size()) {
    auto order = seeded_permutation(splits.train.size(), e.seed ^ 0x5a5aull);
    order.resize(static_cast<std::size_t>(e.data.max_train_samples));
    splits.train = splits.train.select(order);
  }
  if (e.data.max_test_samples > 0 && e.data.max_test_samples < splits.test.size()) {
    splits.test = splits.test.head(e.data.max_test_samples);
  }
}

Json language_model_data_summary(const LanguageModelData& data) {
  Json summary = prepared_text_summary(data.text);
  summary["cache"] = to_string(data.cache);
  summary["tokenizer"] = Json{{"type", data.tokenizer->type()}, {"vocab_size", data.tokenizer->vocab_size()}};
  summary["train_tokens"] = data.train_tokens;
  summary["validation_tokens"] = data.validation_tokens;
  summary["test_tokens"] = data.test_tokens;
  summary["validation_unknown_rate"] = data.validation_unknown_rate;
  summary["unigram_baseline_loss"] = data.unigram_baseline_loss;
  if (data.token_corpus) summary["token_corpus"] = data.token_corpus->folder.string();
  summary["train_sequences"] = data.train.size();
  summary["validation_sequences"] = data.validation.size();
  summary["test_sequences"] = data.test.size();
  return summary;
}

}  // namespace cradle
