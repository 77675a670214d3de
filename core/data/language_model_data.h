#pragma once
// The splits of a language-model experiment: prepared text records, a
// tokenizer trained on the training split (or the run's saved one), and each
// split's token stream (records joined by <eos>) cut into sequences of
// context_length tokens whose targets are the same tokens shifted by one.
#include <memory>

#include "core/data/data_cache.h"
#include "core/data/data_splits.h"
#include "core/data/token_corpus.h"
#include "core/experiment/experiment.h"
#include "core/text/text_preparation.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct LanguageModelData : DataSplits {
  std::shared_ptr<const Tokenizer> tokenizer;
  PreparedText text;                       // records per split and the step reports
  CacheOutcome cache = CacheOutcome::Off;  // whether the prepared text came from the data cache
  std::int64_t train_tokens = 0, validation_tokens = 0, test_tokens = 0;
  double validation_unknown_rate = 0;  // share of validation tokens the vocabulary maps to <unk>
  // Cross-entropy (nats per token) on the validation split of the unigram
  // model of the training split: the baseline a language model must beat.
  double unigram_baseline_loss = 0;
  // data.source "tokens": the mapped corpus the splits are views of (text is then empty).
  std::shared_ptr<const TokenCorpus> token_corpus;
  std::int64_t vocab_size() const { return tokenizer->vocab_size(); }
};

// With `tokenizer` given (a run's saved one), it is used instead of training a
// new one. data.source "tokens" maps the corpus folder's files instead (its own
// tokenizer, which must have the given one's vocabulary size).
LanguageModelData load_language_model_data(const Experiment& experiment,
                                           std::shared_ptr<const Tokenizer> tokenizer = nullptr);

// The tokenizer of a text experiment: `saved` (a run's own) when given, else
// one trained on the training split's records.
std::shared_ptr<const Tokenizer> text_tokenizer(const Experiment& experiment, const PreparedText& text,
                                                std::shared_ptr<const Tokenizer> saved);

// DataError when a split training needs has no window of context_length + 1 tokens.
void check_language_model_splits(const Experiment& experiment, const LanguageModelData& data);

// data.max_train_samples (a seeded subset) and data.max_test_samples (the first N) applied to `splits`.
void limit_text_samples(const Experiment& experiment, DataSplits& splits);

// Token ids of `records`, each as Tokenizer::encode_document gives it (ending in its end-of-text id).
std::vector<std::int64_t> token_stream(const Tokenizer& tokenizer, const std::vector<TextRecord>& records);
// The ids of a document beginning with `text` as a token stream holds it: after
// the end of the one before (Cradle's <eos> then the text; Llama's </s> <s> then the text).
std::vector<std::int64_t> document_prompt_ids(const Tokenizer& tokenizer, const std::string& text);

// Mean -log p(token) over `evaluated` under the add-one-smoothed token
// frequencies of `fitted`.
double unigram_cross_entropy(const std::vector<std::int64_t>& fitted, const std::vector<std::int64_t>& evaluated,
                             std::int64_t vocab_size);

// Non-overlapping windows of context_length + 1 tokens: inputs [N, T], targets [N, T].
TensorDataset sequence_windows(const std::vector<std::int64_t>& stream, std::int64_t context_length);

// The same windows as views of a mapped token file: nothing is copied until a batch is gathered.
TensorDataset mapped_sequence_windows(std::shared_ptr<const MappedTokenFile> file, std::int64_t context_length);

Json language_model_data_summary(const LanguageModelData& data);

}  // namespace cradle
