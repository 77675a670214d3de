#pragma once
// What `cradle-cli data stats` prints for a text experiment: records read and
// skipped, each step's effect, records, tokens and sequences per split, and
// the tokenizer's vocabulary and coverage.
#include <string>

#include "core/data/language_model_data.h"

namespace cradle {

std::string format_text_data_statistics(const LanguageModelData& data);

}  // namespace cradle
