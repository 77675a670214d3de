#pragma once
// The data stage of a text experiment up to tokenisation: read the source
// (text files or JSONL), run the preprocessing steps over every record, then
// split the surviving records into train/validation/test with the experiment's
// seed. Deterministic, so a later evaluation rebuilds the same test split.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/text/text_corpus.h"
#include "core/text/text_pipeline.h"

namespace cradle {

struct PreparedText {
  std::vector<std::string> files;
  std::int64_t records_read = 0;
  std::vector<std::string> skipped;  // bad records left out (on_bad_record "skip")
  std::vector<TextStepReport> steps;
  std::vector<TextRecord> train, validation, test;
};

PreparedText prepare_text(const Experiment& experiment, std::size_t max_examples = 3);

// The seeded record split: test_fraction of the records, then
// validation_fraction of the rest. DataError when a split needed is empty.
void split_records_for_training(const Experiment& experiment, std::vector<TextRecord> records, PreparedText& out);

Json prepared_text_summary(const PreparedText& prepared);  // for reports: counts and step reports

}  // namespace cradle
