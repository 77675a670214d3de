#pragma once
// Rewards computed by rule, for demonstrations and for tests whose right
// answer is known: they score a response to a prompt as the learned reward
// model will (core/align, issue 8's reward and PPO stages), through the same
// interface. Each is described by a JSON object:
//   {"type": "length", "target": 12, "tolerance": 8, "unit": "words"}
//       1 at the target length, falling linearly to 0 at target ± tolerance
//   {"type": "keywords", "include": ["luck"], "avoid": ["never"], "case_sensitive": false}
//       the share of `include` words present minus the share of `avoid` words present (whole words)
//   {"type": "sentiment"} or {"type": "sentiment", "positive": [...], "negative": [...]}
//       (positive - negative words) / (positive + negative words), 0 without either; a small built-in lexicon
//   {"type": "ends_with", "suffix": "?"}
//       1 when the response (without trailing spaces) ends with the suffix, else 0
//   {"type": "sum", "terms": [{"weight": 1.0, "reward": {...}}, ...]}
//       the weighted sum of other rewards
// No LibTorch.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/experiment/json_object_reader.h"

namespace cradle {

class RewardFunction {
 public:
  virtual ~RewardFunction() = default;
  virtual double score(std::string_view prompt, std::string_view response) const = 0;
  virtual Json to_json() const = 0;  // the description it was parsed from, canonical
};

// ConfigError naming the JSON path of a bad field (`path` is the object's own).
std::unique_ptr<RewardFunction> parse_reward_function(const Json& description, const std::string& path = "reward");

// Lower-cased (ASCII) words: runs of letters, digits and apostrophes; bytes
// of multi-byte UTF-8 characters count as letters.
std::vector<std::string> reward_words(std::string_view text, bool case_sensitive = false);

}  // namespace cradle
