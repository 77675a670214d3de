#pragma once
// Language-model metrics accumulated over a whole split: cross-entropy
// (nats per token), perplexity (e to the cross-entropy), bits per token
// (cross-entropy / ln 2) and bits per character (the split's total bits over
// the characters those tokens spell), which compares models whose
// tokenizers differ. Also next-token accuracy. No LibTorch.
#include <cstdint>

namespace cradle {

struct LanguageModelReport {
  std::int64_t sequences = 0, tokens = 0, characters = 0;
  double cross_entropy = 0, perplexity = 1, bits_per_token = 0, bits_per_character = 0;
  double token_accuracy = 0;
};

class LanguageModelMetrics {
 public:
  // `nats`: the summed -log p of `tokens` predicted tokens, `correct` of
  // them the argmax; `characters`: the characters those tokens spell.
  void add(double nats, std::int64_t tokens, std::int64_t correct, std::int64_t characters, std::int64_t sequences = 1);
  LanguageModelReport report() const;

 private:
  double nats_ = 0;
  std::int64_t tokens_ = 0, correct_ = 0, characters_ = 0, sequences_ = 0;
};

}  // namespace cradle
