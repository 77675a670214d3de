#include "core/text/text_preparation.h"

#include <cmath>

#include "core/common/error.h"
#include "core/data/seeded_order.h"
#include "core/text/jsonl_reader.h"

namespace cradle {
namespace fs = std::filesystem;

PreparedText prepare_text(const Experiment& e, std::size_t max_examples) {
  const DataSpec& d = e.data;
  TextCorpusOptions options;
  options.include = d.include;
  options.exclude = d.exclude;
  options.skip_bad_records = d.on_bad_record == "skip";
  std::vector<fs::path> paths;
  for (const auto& path : d.paths) paths.push_back(e.resolve(path));
  TextCorpus corpus;
  if (d.source == "jsonl") {
    corpus = read_jsonl_corpus(paths, d.text_field, options);
  } else {
    options.split = record_split_from_string(d.records);
    options.separator = d.separator;
    corpus = read_text_corpus(paths, options);
  }
  PreparedText prepared;
  prepared.files = corpus.files;
  prepared.records_read = static_cast<std::int64_t>(corpus.records.size());
  prepared.skipped = std::move(corpus.skipped);
  if (corpus.records.empty()) throw DataError(d.paths.front() + ": no text records found");
  prepared.steps = apply_text_steps(corpus.records, d.steps, max_examples);
  if (corpus.records.empty()) throw DataError("data.steps removed every record; loosen the filters");
  split_records_for_training(e, std::move(corpus.records), prepared);
  return prepared;
}

void split_records_for_training(const Experiment& e, std::vector<TextRecord> records, PreparedText& out) {
  const auto n = static_cast<std::int64_t>(records.size());
  const auto order = seeded_permutation(n, e.seed ^ 0x7e57ull);
  const auto test_count = static_cast<std::int64_t>(std::llround(e.data.test_fraction * static_cast<double>(n)));
  const auto validation_count =
      static_cast<std::int64_t>(std::llround(e.data.validation_fraction * static_cast<double>(n - test_count)));
  if (test_count < 1 || n - test_count - validation_count < 1 ||
      (e.data.validation_fraction > 0 && validation_count < 1))
    throw DataError("data: " + std::to_string(n) + " records are too few for test_fraction " +
                    std::to_string(e.data.test_fraction) + " and validation_fraction " +
                    std::to_string(e.data.validation_fraction) + " (every split needs a record)");
  // Records keep their file order inside each split, so the text reads naturally in previews.
  std::vector<char> part(static_cast<std::size_t>(n), 't');
  for (std::int64_t i = 0; i < test_count; ++i) part[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = 'T';
  for (std::int64_t i = test_count; i < test_count + validation_count; ++i)
    part[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = 'v';
  for (std::size_t i = 0; i < records.size(); ++i)
    (part[i] == 'T' ? out.test : part[i] == 'v' ? out.validation : out.train).push_back(std::move(records[i]));
}

Json prepared_text_summary(const PreparedText& p) {
  Json steps = Json::array();
  for (const auto& report : p.steps) steps.push_back(text_step_report_to_json(report));
  const std::size_t shown = std::min<std::size_t>(p.skipped.size(), 10);
  return Json{{"files", p.files.size()},
              {"records_read", p.records_read},
              {"records_skipped", p.skipped.size()},
              {"skipped_examples", std::vector<std::string>(p.skipped.begin(), p.skipped.begin() + static_cast<std::ptrdiff_t>(shown))},
              {"steps", std::move(steps)},
              {"train_records", p.train.size()},
              {"validation_records", p.validation.size()},
              {"test_records", p.test.size()}};
}

}  // namespace cradle
