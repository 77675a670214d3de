#include "core/data/token_corpus.h"

#include <cmath>
#include <string_view>
#include <system_error>
#include <unordered_set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/text/jsonl_reader.h"
#include "core/text/text_corpus.h"
#include "core/text/text_pipeline.h"
#include "core/text/text_preparation.h"

namespace cradle {
namespace fs = std::filesystem;

fs::path token_split_file(const fs::path& folder, const std::string& split) { return folder / (split + ".tokens"); }
fs::path token_corpus_tokenizer_file(const fs::path& folder) { return folder / "tokenizer.json"; }
fs::path token_corpus_summary_file(const fs::path& folder) { return folder / "corpus.json"; }

namespace {

// Token counts of the training and validation splits, gathered while the
// documents stream past (in any order of splits), for the unigram baseline a
// language model must beat and the validation split's <unk> rate.
class CorpusStatistics {
 public:
  explicit CorpusStatistics(std::int64_t vocab_size)
      : training_(static_cast<std::size_t>(vocab_size), 0.0), validation_(static_cast<std::size_t>(vocab_size), 0.0) {}
  void count(int split, const std::vector<std::int64_t>& ids) {
    if (split > 1) return;
    auto& counts = split == 0 ? training_ : validation_;
    for (const auto id : ids) counts[static_cast<std::size_t>(id)] += 1;
  }
  // Mean -log p(token) over the validation tokens under the add-one-smoothed
  // training frequencies (as unigram_cross_entropy computes it from streams).
  double unigram_baseline_loss() const {
    double training_tokens = 0, validation_tokens = 0, loss = 0;
    for (const double c : training_) training_tokens += c;
    const double total = training_tokens + static_cast<double>(training_.size());
    for (std::size_t id = 0; id < validation_.size(); ++id) {
      validation_tokens += validation_[id];
      if (validation_[id] > 0) loss -= validation_[id] * std::log((training_[id] + 1) / total);
    }
    return validation_tokens > 0 ? loss / validation_tokens : 0;
  }
  double validation_unknown_rate() const {
    double validation_tokens = 0;
    for (const double c : validation_) validation_tokens += c;
    return validation_tokens > 0 ? validation_[static_cast<std::size_t>(kUnkId)] / validation_tokens : 0;
  }

 private:
  std::vector<double> training_, validation_;
};

// Calls `add(split, text)` for every document (split 0 train, 1 validation, 2 test).
using DocumentFeed = std::function<void(const std::function<void(int, const std::string&)>& add)>;

// Writes the corpus folder from `feed` (beside `folder`, renamed into place at
// the end); `source()`, called after the feed, describes what was read.
Json write_corpus_folder(const Experiment& e, const fs::path& folder, const Tokenizer& tokenizer,
                         const DocumentFeed& feed, const std::function<Json()>& source,
                         const TokenCorpusWriteOptions& options) {
  const fs::path partial = folder.string() + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);  // what an interrupted earlier attempt left
  fs::create_directories(partial, ec);
  if (ec) throw IoError(partial.string() + ": cannot create folder: " + ec.message());
  try {
    tokenizer.save(token_corpus_tokenizer_file(partial));
    CorpusStatistics statistics(tokenizer.vocab_size());
    std::vector<std::unique_ptr<TokenFileWriter>> writers;
    for (const char* split : kTokenCorpusSplits)
      writers.push_back(std::make_unique<TokenFileWriter>(token_split_file(partial, split),
                                                          static_cast<std::uint64_t>(tokenizer.vocab_size())));
    feed([&](int split, const std::string& text) {
      auto ids = tokenizer.encode(text);
      ids.push_back(kEosId);
      statistics.count(split, ids);
      writers[static_cast<std::size_t>(split)]->add_document(ids);
    });
    Json splits = Json::object();
    for (int s = 0; s < 3; ++s) {
      const std::string split = kTokenCorpusSplits[s];
      const TokenFileLayout layout = writers[static_cast<std::size_t>(s)]->finish();
      splits[split] = Json{{"documents", layout.documents},
                           {"tokens", layout.tokens},
                           {"bytes", fs::file_size(token_split_file(partial, split))}};
      if (options.on_split) options.on_split(split, static_cast<std::int64_t>(layout.tokens));
    }
    Json summary = {
        {"format", "cradle token corpus"}, {"version", 1}, {"written", utc_timestamp()}, {"experiment", e.name}};
    const Json described = source();
    for (const auto& [key, value] : described.items()) summary[key] = value;
    summary["tokenizer"] = {{"type", tokenizer.type()},
                            {"vocab_size", tokenizer.vocab_size()},
                            {"trained_here", options.tokenizer == nullptr}};
    summary["token_bytes"] = token_bytes_for(static_cast<std::uint64_t>(tokenizer.vocab_size()));
    summary["splits"] = splits;
    summary["validation_unknown_rate"] = statistics.validation_unknown_rate();
    summary["unigram_baseline_loss"] = statistics.unigram_baseline_loss();
    write_text_atomically(token_corpus_summary_file(partial), summary.dump(2) + "\n");
    fs::rename(partial, folder, ec);
    if (ec) throw IoError(folder.string() + ": cannot move the written corpus into place: " + ec.message());
    return summary;
  } catch (...) {
    fs::remove_all(partial, ec);
    throw;
  }
}

// A record's fingerprint for exact de-duplication and its split: 64-bit
// FNV-1a, then splitmix64's finaliser, since FNV alone leaves the high bits
// (the split's draw) nearly the same for origins differing in the last digit.
std::uint64_t fingerprint(std::string_view text, std::uint64_t seed = 0) {
  std::uint64_t hash = 0xcbf29ce484222325ull ^ (seed * 0x9E3779B97F4A7C15ull);
  for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ull;
  hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9ull;
  hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBull;
  return hash ^ (hash >> 31);
}

// The streamed path: one file's records at a time through the steps; exact
// duplicates dropped by fingerprint; each record's split drawn from the hash
// of its place and the seed, so it does not depend on the other records. The
// place is the file's path under the data path that found it and the line, so
// the same files split alike wherever their folder is.
class StreamedRecords {
 public:
  explicit StreamedRecords(const Experiment& e) : e_(e) {
    for (const auto& step : e.data.steps) {
      if (step.op == "dedup_near")
        throw ConfigError(
            "tokenize --stream: data.steps has dedup_near, which compares every record with every other; "
            "remove it, or tokenize without --stream (the text in memory)");
      if (step.op == "dedup_exact")
        dedup_ = true;
      else
        per_record_.push_back(step);
    }
    for (const auto& path : e.data.paths) paths_.push_back(e.resolve(path));
    files_ = expand_text_paths(paths_, e.data.include, e.data.exclude);
    options_.include = e.data.include;
    options_.exclude = e.data.exclude;
    options_.skip_bad_records = e.data.on_bad_record == "skip";
    if (e.data.source == DataSource::Text) {
      options_.split = record_split_from_string(e.data.records);
      options_.separator = e.data.separator;
    }
  }

  // Calls add(split, text) for every record kept, file by file, until it returns false.
  void each(const std::function<bool(int, const std::string&)>& add) {
    std::unordered_set<std::uint64_t> seen;
    records_read_ = duplicates_ = 0;
    for (const auto& file : files_) {
      const std::string place = place_of(file);
      TextCorpus corpus = e_.data.source == DataSource::Jsonl
                              ? read_jsonl_corpus({file}, e_.data.text_field, options_, "")
                              : read_text_corpus({file}, options_);
      records_read_ += static_cast<std::int64_t>(corpus.records.size());
      apply_text_steps(corpus.records, per_record_, 0);
      for (const auto& record : corpus.records) {
        if (dedup_ && !seen.insert(fingerprint(record.text)).second) {
          ++duplicates_;
          continue;
        }
        if (!add(split_of(place, file.string(), record), record.text)) return;
      }
    }
  }

  Json summary() const {
    std::vector<std::string> files;
    for (const auto& f : files_) files.push_back(f.string());
    return {{"files", files},
            {"records_read", records_read_},
            {"duplicates_removed", duplicates_},
            {"streamed", true},
            {"split", "by a seeded hash of each record's place (its file under the data path, its line)"}};
  }

 private:
  // `file` relative to the data path it was found under (a file named directly: its name).
  std::string place_of(const fs::path& file) const {
    for (const auto& path : paths_) {
      if (file == path) return file.filename().string();
      const auto relative = file.lexically_relative(path);
      if (!relative.empty() && *relative.begin() != "..") return relative.generic_string();
    }
    return file.filename().string();
  }

  // The record's origin ("FILE:LINE") with the file's place in place of its full path.
  int split_of(const std::string& place, const std::string& file, const TextRecord& record) const {
    const std::string key =
        record.origin.rfind(file, 0) == 0 ? place + record.origin.substr(file.size()) : record.origin;
    const double u = static_cast<double>(fingerprint(key, e_.seed) >> 11) * 0x1.0p-53;
    if (u < e_.data.test_fraction) return 2;
    const double rest = (u - e_.data.test_fraction) / (1 - e_.data.test_fraction);
    return rest < e_.data.validation_fraction ? 1 : 0;
  }

  const Experiment& e_;
  std::vector<TextStep> per_record_;
  bool dedup_ = false;
  std::vector<fs::path> paths_, files_;
  TextCorpusOptions options_;
  std::int64_t records_read_ = 0, duplicates_ = 0;
};

}  // namespace

Json write_token_corpus(const Experiment& e, const fs::path& folder, const TokenCorpusWriteOptions& options) {
  if (e.task != Task::LanguageModel || (e.data.source != DataSource::Text && e.data.source != DataSource::Jsonl))
    throw ConfigError("tokenize: needs a language-model experiment reading \"text\" or \"jsonl\" (task \"" +
                      to_string(e.task) + "\", source \"" + to_string(e.data.source) + "\")");
  if (fs::exists(folder))
    throw IoError(folder.string() + ": already exists; a token corpus is written to a new folder, never over one");
  if (options.stream) {
    StreamedRecords records(e);
    std::shared_ptr<const Tokenizer> tokenizer = options.tokenizer;
    if (!tokenizer) {  // trained on the first training records, up to the sample size
      std::vector<std::string> sample;
      std::int64_t bytes = 0;
      records.each([&](int split, const std::string& text) {
        if (split == 0) {
          sample.push_back(text);
          bytes += static_cast<std::int64_t>(text.size());
        }
        return bytes < options.tokenizer_sample_bytes;
      });
      if (sample.empty()) throw DataError(e.data.paths.front() + ": no training records found");
      tokenizer = train_tokenizer(e.data.tokenizer, sample);
    }
    const DocumentFeed feed = [&](const std::function<void(int, const std::string&)>& add) {
      records.each([&](int split, const std::string& text) {
        add(split, text);
        return true;
      });
    };
    return write_corpus_folder(
        e, folder, *tokenizer, feed, [&] { return records.summary(); }, options);
  }
  const PreparedText text = prepare_text(e);
  std::shared_ptr<const Tokenizer> tokenizer = options.tokenizer;
  if (!tokenizer) {
    std::vector<std::string> texts;
    texts.reserve(text.train.size());
    for (const auto& record : text.train) texts.push_back(record.text);
    tokenizer = train_tokenizer(e.data.tokenizer, texts);
  }
  const DocumentFeed feed = [&](const std::function<void(int, const std::string&)>& add) {
    const std::vector<TextRecord>* splits[] = {&text.train, &text.validation, &text.test};
    for (int s = 0; s < 3; ++s)
      for (const auto& record : *splits[s]) add(s, record.text);
  };
  const auto source = [&] { return Json{{"files", text.files}, {"records_read", text.records_read}}; };
  return write_corpus_folder(e, folder, *tokenizer, feed, source, options);
}

TokenCorpus open_token_corpus(const fs::path& folder) {
  if (!fs::is_directory(folder))
    throw IoError(folder.string() +
                  ": not a folder; write a token corpus with cradle-cli data tokenize EXPERIMENT --out " +
                  folder.string());
  TokenCorpus corpus;
  corpus.folder = folder;
  const fs::path summary_file = token_corpus_summary_file(folder);
  try {
    corpus.summary = Json::parse(read_file(summary_file));
  } catch (const Json::exception& error) {
    throw DataError(summary_file.string() + ": not valid JSON: " + error.what());
  }
  if (!corpus.summary.is_object() || corpus.summary.value("format", "") != "cradle token corpus")
    throw DataError(summary_file.string() + ": not a token corpus summary (\"format\" is not \"cradle token corpus\")");
  corpus.tokenizer = load_tokenizer(token_corpus_tokenizer_file(folder));
  std::shared_ptr<const MappedTokenFile>* files[] = {&corpus.train, &corpus.validation, &corpus.test};
  for (int s = 0; s < 3; ++s) {
    *files[s] = MappedTokenFile::open(token_split_file(folder, kTokenCorpusSplits[s]));
    const auto vocab = (*files[s])->layout().vocab_size;
    if (vocab != static_cast<std::uint64_t>(corpus.tokenizer->vocab_size()))
      throw DataError(token_split_file(folder, kTokenCorpusSplits[s]).string() + ": written with a vocabulary of " +
                      std::to_string(vocab) + ", but " + token_corpus_tokenizer_file(folder).string() + " has " +
                      std::to_string(corpus.tokenizer->vocab_size()));
  }
  return corpus;
}

void check_same_vocabulary(const TokenCorpus& corpus, const Tokenizer& other, const std::string& other_name) {
  const Tokenizer& own = *corpus.tokenizer;
  const std::string fix = "; write the corpus with that tokenizer (cradle-cli data tokenize --tokenizer)";
  if (own.vocab_size() != other.vocab_size())
    throw DataError(corpus.folder.string() + ": the corpus's vocabulary has " + std::to_string(own.vocab_size()) +
                    " tokens, " + other_name + " " + std::to_string(other.vocab_size()) + fix);
  for (std::int64_t id = 0; id < own.vocab_size(); ++id)
    if (own.token_text(id) != other.token_text(id))
      throw DataError(corpus.folder.string() + ": token " + std::to_string(id) + " is \"" + own.token_text(id) +
                      "\" in the corpus's vocabulary, \"" + other.token_text(id) + "\" in " + other_name + fix);
}

}  // namespace cradle
