#include "core/eval/language_model_metrics.h"

#include <cmath>
#include <stdexcept>

namespace cradle {

void LanguageModelMetrics::add(double nats, std::int64_t tokens, std::int64_t correct, std::int64_t characters,
                               std::int64_t sequences) {
  if (tokens < 0 || correct < 0 || correct > tokens || characters < 0 || !(nats >= 0))
    throw std::invalid_argument("LanguageModelMetrics::add: inconsistent counts");
  nats_ += nats;
  tokens_ += tokens;
  correct_ += correct;
  characters_ += characters;
  sequences_ += sequences;
}

LanguageModelReport LanguageModelMetrics::report() const {
  LanguageModelReport r;
  r.sequences = sequences_;
  r.tokens = tokens_;
  r.characters = characters_;
  if (tokens_ == 0) return r;
  r.cross_entropy = nats_ / static_cast<double>(tokens_);
  r.perplexity = std::exp(r.cross_entropy);
  r.bits_per_token = r.cross_entropy / std::log(2.0);
  if (characters_ > 0) r.bits_per_character = nats_ / std::log(2.0) / static_cast<double>(characters_);
  r.token_accuracy = static_cast<double>(correct_) / static_cast<double>(tokens_);
  return r;
}

}  // namespace cradle
