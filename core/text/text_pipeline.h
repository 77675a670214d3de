#pragma once
// Runs the ordered text steps over a corpus and reports what each one did:
// records in and out, records changed, characters removed, and examples
// (before/after pairs for edits, the removed record and the reason for
// filters and de-duplication). The CLI's data preview and the GUI show these.
#include <cstdint>
#include <string>
#include <vector>

#include "core/experiment/json_object_reader.h"
#include "core/text/text_corpus.h"
#include "core/text/text_steps.h"

namespace cradle {

struct TextStepExample {
  std::string origin;
  std::string before;
  std::string after;   // empty when the record was removed
  std::string reason;  // removals: "duplicate of PATH:LINE (similarity 0.93)", "312 characters, below min_chars 400"
};

struct TextStepReport {
  std::string op;
  std::int64_t records_in = 0;
  std::int64_t records_out = 0;
  std::int64_t records_changed = 0;  // edited in place
  std::int64_t chars_in = 0;         // code points
  std::int64_t chars_out = 0;
  double seconds = 0;
  std::vector<TextStepExample> examples;
  std::int64_t removed() const { return records_in - records_out; }
};

// Applies the steps in order to `records` (edited in place). Up to
// `max_examples` examples are kept per step.
std::vector<TextStepReport> apply_text_steps(std::vector<TextRecord>& records, const std::vector<TextStep>& steps,
                                             std::size_t max_examples = 3);

// A TextStep as the one-line text the CLI prints: "dedup_near (shingle 5, threshold 0.8)".
std::string describe_text_step(const TextStep& step);

Json text_step_report_to_json(const TextStepReport& report);

}  // namespace cradle
