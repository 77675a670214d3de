#pragma once
// A token corpus: a text experiment's splits tokenised once into a folder of
// token files (core/data/token_file.h) with the tokenizer that wrote them:
//   FOLDER/train.tokens, validation.tokens, test.tokens  the splits' ids
//   FOLDER/tokenizer.json                                 the vocabulary
//   FOLDER/corpus.json                                    what was written, from what
// A language-model experiment with data.source "tokens" and data.folder FOLDER
// memory-maps the files instead of reading and tokenising text, so its memory
// does not grow with the corpus.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/data/token_file.h"
#include "core/experiment/experiment.h"
#include "core/text/tokenizer.h"

namespace cradle {

inline const char* const kTokenCorpusSplits[] = {"train", "validation", "test"};

std::filesystem::path token_split_file(const std::filesystem::path& folder, const std::string& split);
std::filesystem::path token_corpus_tokenizer_file(const std::filesystem::path& folder);
std::filesystem::path token_corpus_summary_file(const std::filesystem::path& folder);

struct TokenCorpusWriteOptions {
  // A tokenizer to write with (a run's tokenizer.json, so a model trained
  // before can go on training on the corpus); empty: trained on the training split.
  std::shared_ptr<const Tokenizer> tokenizer;
  // Streamed: one input file's records in memory at a time, so a corpus larger
  // than memory can be written. Exact duplicates are found by a 64-bit
  // fingerprint per record (dedup_near is refused), each record's split is
  // drawn from a seeded hash of its origin (not the in-memory path's shuffle),
  // and the tokenizer is trained on the first tokenizer_sample_bytes of training text.
  bool stream = false;
  std::int64_t tokenizer_sample_bytes = 64 << 20;
  // Called after each split is written: the split's name and its token count.
  std::function<void(const std::string&, std::int64_t)> on_split;
};

// Reads, cleans and splits the text of `experiment` (task language_model,
// source text or jsonl) as training would, trains its tokenizer on the
// training split (or takes options.tokenizer), and writes the corpus folder (built beside it and renamed
// into place, so a folder is complete or absent). IoError when `folder`
// already exists: a written corpus is never overwritten. Returns corpus.json.
Json write_token_corpus(const Experiment& experiment, const std::filesystem::path& folder,
                        const TokenCorpusWriteOptions& options = {});

struct TokenCorpus {
  std::filesystem::path folder;
  Json summary;  // corpus.json
  std::shared_ptr<const Tokenizer> tokenizer;
  std::shared_ptr<const MappedTokenFile> train, validation, test;
};

// Maps a corpus folder's files; IoError/DataError naming the file for a
// missing or malformed one, or splits whose vocabulary is not the tokenizer's.
TokenCorpus open_token_corpus(const std::filesystem::path& folder);

// DataError unless `other` (a run's tokenizer) numbers every token as the
// corpus's tokenizer does: the same size is not enough, ids must mean the same.
void check_same_vocabulary(const TokenCorpus& corpus, const Tokenizer& other, const std::string& other_name);

}  // namespace cradle
