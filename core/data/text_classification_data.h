#pragma once
// The splits of a text-classification experiment: labelled records (a JSONL
// label field, or one folder of text files per class), a tokenizer trained on
// the training split (or the run's saved one), and each record's token ids
// cut to data.context_length and padded with <pad> to it. The models cut each
// batch to its longest text and mask the padding (core/models/padding_mask.h).
#include <memory>
#include <string>
#include <vector>

#include "core/data/classification_data.h"
#include "core/data/data_cache.h"
#include "core/experiment/experiment.h"
#include "core/text/text_preparation.h"
#include "core/text/tokenizer.h"

namespace cradle {

struct TextClassificationData : ClassificationData {
  std::shared_ptr<const Tokenizer> tokenizer;
  PreparedText text;  // records per split (with labels) and the step reports
  CacheOutcome cache = CacheOutcome::Off;
  std::int64_t truncated_records = 0;  // training records longer than data.context_length
  double mean_tokens = 0;              // tokens per training record, before truncation
  std::int64_t longest_tokens = 0;
  // Test accuracy of always answering the training split's most common class:
  // the trivial baseline a classifier must beat.
  double majority_baseline_accuracy = 0;
  std::int64_t vocab_size() const { return tokenizer->vocab_size(); }
};

// With `tokenizer` given (a run's saved one), it is used instead of training a new one.
TextClassificationData load_text_classification_data(const Experiment& experiment,
                                                     std::shared_ptr<const Tokenizer> tokenizer = nullptr);

// The class list: data.class_names when given (a label must be one of them, or
// an integer index into them), else every label found, sorted (numerically
// when all are integers). DataError naming the record for an unknown label.
std::vector<std::string> text_class_names(const Experiment& experiment, const PreparedText& text);

// inputs [N, length] token ids padded with <pad>, targets [N] class indices.
TensorDataset encode_labelled_texts(const Tokenizer& tokenizer, const std::vector<TextRecord>& records,
                                    const std::vector<std::string>& class_names, std::int64_t length);

Json text_classification_data_summary(const TextClassificationData& data);
std::string format_text_classification_statistics(const TextClassificationData& data);  // for the terminal

}  // namespace cradle
