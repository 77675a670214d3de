#include "core/text/text_preparation.h"

#include <cmath>
#include <map>

#include "core/common/error.h"
#include "core/data/seeded_order.h"
#include "core/data/splits.h"
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
  const bool labelled = e.task == Task::Classification;
  TextCorpus corpus;
  if (d.source == DataSource::Jsonl) {
    corpus = read_jsonl_corpus(paths, d.text_field, options, labelled ? d.label_field : "");
  } else {
    options.split = record_split_from_string(d.records);
    options.separator = d.separator;
    corpus = !labelled                ? read_text_corpus(paths, options)
             : d.label_from == "file" ? read_class_files(paths, options)
                                      : read_class_folders(paths, options);
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
  // Labelled records split stratified (data.stratify): each class keeps its share in every split.
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n), 0);
  const bool stratify = e.task == Task::Classification && e.data.stratify;
  if (stratify) {
    std::map<std::string, std::int64_t> ids;
    for (std::size_t i = 0; i < records.size(); ++i)
      labels[i] = ids.emplace(records[i].label, static_cast<std::int64_t>(ids.size())).first->second;
  }
  const IndexSplit test = split_by_labels(order, labels, e.data.test_fraction, stratify);
  std::vector<std::int64_t> rest_labels;
  for (const auto i : test.rest) rest_labels.push_back(labels[static_cast<std::size_t>(i)]);
  // split_by_labels indexes labels by position in `order`, so the rest gets labels in its own order.
  std::vector<std::int64_t> positions(test.rest.size());
  for (std::size_t i = 0; i < positions.size(); ++i) positions[i] = static_cast<std::int64_t>(i);
  const IndexSplit validation = split_by_labels(positions, rest_labels, e.data.validation_fraction, stratify);
  const auto test_count = static_cast<std::int64_t>(test.held_out.size());
  const auto validation_count = static_cast<std::int64_t>(validation.held_out.size());
  if (test_count < 1 || n - test_count - validation_count < 1 ||
      (e.data.validation_fraction > 0 && validation_count < 1))
    throw DataError("data: " + std::to_string(n) + " records are too few for test_fraction " +
                    std::to_string(e.data.test_fraction) + " and validation_fraction " +
                    std::to_string(e.data.validation_fraction) + " (every split needs a record)");
  // Records keep their file order inside each split, so the text reads naturally in previews.
  std::vector<char> part(static_cast<std::size_t>(n), 't');
  for (const auto i : test.held_out) part[static_cast<std::size_t>(i)] = 'T';
  for (const auto position : validation.held_out)
    part[static_cast<std::size_t>(test.rest[static_cast<std::size_t>(position)])] = 'v';
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
              {"skipped_examples",
               std::vector<std::string>(p.skipped.begin(), p.skipped.begin() + static_cast<std::ptrdiff_t>(shown))},
              {"steps", std::move(steps)},
              {"train_records", p.train.size()},
              {"validation_records", p.validation.size()},
              {"test_records", p.test.size()}};
}

}  // namespace cradle
