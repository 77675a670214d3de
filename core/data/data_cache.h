#pragma once
// A cache of prepared data, so a second run of the same experiment skips
// decoding images, parsing tables and running the text steps. The key hashes
// everything the prepared data depends on: the task, the seed, the whole data
// section, and the identity (path, size, modification time) of every source
// file, folders included. Any change is a different key, so a stale entry is
// never read; a damaged entry is ignored and rebuilt.
//
// Entries live in $CRADLE_CACHE_DIR, else $XDG_CACHE_HOME/cradle/data, else
// ~/.cache/cradle/data. data.cache false turns the cache off. After each new
// entry the folder is trimmed to $CRADLE_CACHE_MAX_SIZE (default 4 GiB), least
// recently used entries first (core/data/data_cache_entries.h).
#include <filesystem>
#include <string>

#include "core/data/classification_data.h"
#include "core/experiment/experiment.h"
#include "core/text/text_preparation.h"

namespace cradle {

enum class CacheOutcome { Off, Hit, Miss };
const char* to_string(CacheOutcome outcome);

std::filesystem::path data_cache_dir();

// The key of an experiment's prepared data (32 hex digits).
std::string data_cache_key(const Experiment& experiment);

// load_classification_data (all splits) through the cache.
ClassificationData load_classification_data_cached(const Experiment& experiment, CacheOutcome* outcome = nullptr);

// prepare_text through the cache.
PreparedText prepare_text_cached(const Experiment& experiment, CacheOutcome* outcome = nullptr);

}  // namespace cradle
