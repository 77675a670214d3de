#include "core/data/token_corpus.h"

#include <cmath>
#include <system_error>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/text/text_preparation.h"

namespace cradle {
namespace fs = std::filesystem;

fs::path token_split_file(const fs::path& folder, const std::string& split) { return folder / (split + ".tokens"); }
fs::path token_corpus_tokenizer_file(const fs::path& folder) { return folder / "tokenizer.json"; }
fs::path token_corpus_summary_file(const fs::path& folder) { return folder / "corpus.json"; }

namespace {

// Token counts of the training split and the validation split's loss under
// them (the unigram baseline a language model must beat), gathered while the
// documents stream past instead of from whole token streams.
class CorpusStatistics {
 public:
  explicit CorpusStatistics(std::int64_t vocab_size) : counts_(static_cast<std::size_t>(vocab_size), 1.0) {}
  void count_training(const std::vector<std::int64_t>& ids) {
    for (const auto id : ids) counts_[static_cast<std::size_t>(id)] += 1;
    training_tokens_ += static_cast<double>(ids.size());
  }
  void score_validation(const std::vector<std::int64_t>& ids) {
    const double total = training_tokens_ + static_cast<double>(counts_.size());
    for (const auto id : ids) {
      loss_sum_ -= std::log(counts_[static_cast<std::size_t>(id)] / total);
      unknown_ += id == kUnkId;
    }
    validation_tokens_ += static_cast<double>(ids.size());
  }
  double unigram_baseline_loss() const { return validation_tokens_ > 0 ? loss_sum_ / validation_tokens_ : 0; }
  double validation_unknown_rate() const { return validation_tokens_ > 0 ? unknown_ / validation_tokens_ : 0; }

 private:
  std::vector<double> counts_;  // add-one smoothed, as unigram_cross_entropy does
  double training_tokens_ = 0, validation_tokens_ = 0, loss_sum_ = 0, unknown_ = 0;
};

}  // namespace

Json write_token_corpus(const Experiment& e, const fs::path& folder, const TokenCorpusWriteOptions& options) {
  if (e.task != "language_model" || (e.data.source != "text" && e.data.source != "jsonl"))
    throw ConfigError("tokenize: needs a language-model experiment reading \"text\" or \"jsonl\" (task \"" + e.task +
                      "\", source \"" + e.data.source + "\")");
  if (fs::exists(folder))
    throw IoError(folder.string() + ": already exists; a token corpus is written to a new folder, never over one");
  const PreparedText text = prepare_text(e);
  std::shared_ptr<const Tokenizer> tokenizer = options.tokenizer;
  if (!tokenizer) {
    std::vector<std::string> texts;
    texts.reserve(text.train.size());
    for (const auto& record : text.train) texts.push_back(record.text);
    tokenizer = train_tokenizer(e.data.tokenizer, texts);
  }

  const fs::path partial = folder.string() + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);  // what an interrupted earlier attempt left
  fs::create_directories(partial, ec);
  if (ec) throw IoError(partial.string() + ": cannot create folder: " + ec.message());
  try {
    tokenizer->save(token_corpus_tokenizer_file(partial));
    CorpusStatistics statistics(tokenizer->vocab_size());
    Json splits = Json::object();
    const std::vector<TextRecord>* records[] = {&text.train, &text.validation, &text.test};
    for (int s = 0; s < 3; ++s) {
      const std::string split = kTokenCorpusSplits[s];
      TokenFileWriter writer(token_split_file(partial, split), static_cast<std::uint64_t>(tokenizer->vocab_size()));
      for (const auto& record : *records[s]) {
        auto ids = tokenizer->encode(record.text);
        ids.push_back(kEosId);
        if (s == 0) statistics.count_training(ids);
        if (s == 1) statistics.score_validation(ids);
        writer.add_document(ids);
      }
      const TokenFileLayout layout = writer.finish();
      splits[split] = Json{{"documents", layout.documents},
                           {"tokens", layout.tokens},
                           {"bytes", fs::file_size(token_split_file(partial, split))}};
      if (options.on_split) options.on_split(split, static_cast<std::int64_t>(layout.tokens));
    }
    Json summary = {{"format", "cradle token corpus"},
                    {"version", 1},
                    {"written", utc_timestamp()},
                    {"experiment", e.name},
                    {"files", text.files},
                    {"records_read", text.records_read},
                    {"tokenizer", {{"type", tokenizer->type()},
                                   {"vocab_size", tokenizer->vocab_size()},
                                   {"trained_here", options.tokenizer == nullptr}}},
                    {"token_bytes", token_bytes_for(static_cast<std::uint64_t>(tokenizer->vocab_size()))},
                    {"splits", splits},
                    {"validation_unknown_rate", statistics.validation_unknown_rate()},
                    {"unigram_baseline_loss", statistics.unigram_baseline_loss()}};
    write_text_atomically(token_corpus_summary_file(partial), summary.dump(2) + "\n");
    fs::rename(partial, folder, ec);
    if (ec) throw IoError(folder.string() + ": cannot move the written corpus into place: " + ec.message());
    return summary;
  } catch (...) {
    fs::remove_all(partial, ec);
    throw;
  }
}

TokenCorpus open_token_corpus(const fs::path& folder) {
  if (!fs::is_directory(folder))
    throw IoError(folder.string() + ": not a folder; write a token corpus with cradle-cli tokenize EXPERIMENT --out " +
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
