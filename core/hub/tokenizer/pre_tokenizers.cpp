#include "core/hub/tokenizer/pre_tokenizers.h"

#include "core/common/error.h"
#include "core/hub/tokenizer/byte_level_alphabet.h"
#include "core/hub/tokenizer/tokenizer_json_fields.h"
#include "core/hub/tokenizer/unicode_pattern.h"

namespace cradle {
namespace {

// GPT-2's word pattern (its encoder.py), which ByteLevel applies when use_regex is set.
const char* const kGpt2WordPattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Each piece cut by `pattern`; only the first part of a piece keeps at_text_start.
void split_pieces(std::vector<TextPiece>& pieces, const UnicodePattern& pattern, SplitBehaviour behaviour) {
  std::vector<TextPiece> out;
  out.reserve(pieces.size() * 2);
  for (auto& piece : pieces) {
    bool first = piece.at_text_start;
    for (auto& part : pattern.split(piece.text, behaviour)) {
      out.push_back({std::move(part), first});
      first = false;
    }
  }
  pieces = std::move(out);
}

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(const nlohmann::json& spec, const std::string& where)
      : add_prefix_space_(optional_bool(spec, "add_prefix_space", false, where)) {
    if (optional_bool(spec, "use_regex", true, where))
      word_pattern_ = std::make_unique<UnicodePattern>(UnicodePattern::regex(kGpt2WordPattern, where));
  }
  void split(std::vector<TextPiece>& pieces) const override {
    if (add_prefix_space_)
      for (auto& piece : pieces)
        if (piece.text.empty() || piece.text.front() != ' ') piece.text.insert(0, 1, ' ');
    if (word_pattern_) split_pieces(pieces, *word_pattern_, SplitBehaviour::Isolated);
    for (auto& piece : pieces) piece.text = to_byte_level(piece.text);
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<UnicodePattern> word_pattern_;
};

SplitBehaviour split_behaviour(const nlohmann::json& spec, const std::string& where) {
  const std::string name = required_string(spec, "behavior", where);
  if (name == "Removed") return SplitBehaviour::Removed;
  if (name == "Isolated") return SplitBehaviour::Isolated;
  if (name == "MergedWithPrevious") return SplitBehaviour::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehaviour::MergedWithNext;
  throw ConfigError(where + ".behavior: \"" + name +
                    "\" is not read by Cradle (it reads Removed, Isolated, MergedWithPrevious, MergedWithNext)");
}

class SplitPreTokenizer : public PreTokenizer {
 public:
  SplitPreTokenizer(const nlohmann::json& spec, const std::string& where)
      : pattern_(read_pattern(spec, where)), behaviour_(split_behaviour(spec, where)) {
    if (optional_bool(spec, "invert", false, where))
      throw ConfigError(where + ".invert: an inverted Split is not read by Cradle");
  }
  void split(std::vector<TextPiece>& pieces) const override { split_pieces(pieces, pattern_, behaviour_); }

 private:
  UnicodePattern pattern_;
  SplitBehaviour behaviour_;
};

class DigitsPreTokenizer : public PreTokenizer {
 public:
  DigitsPreTokenizer(const nlohmann::json& spec, const std::string& where)
      : digits_(UnicodePattern::regex(optional_bool(spec, "individual_digits", false, where) ? R"(\p{N})" : R"(\p{N}+)",
                                      where)) {}
  void split(std::vector<TextPiece>& pieces) const override { split_pieces(pieces, digits_, SplitBehaviour::Isolated); }

 private:
  UnicodePattern digits_;
};

// sentencepiece's word boundary: spaces become `▁` (or the given
// replacement), one is put in front as prepend_scheme says, and with split
// set each `▁` starts a new word.
class MetaspacePreTokenizer : public PreTokenizer {
 public:
  MetaspacePreTokenizer(const nlohmann::json& spec, const std::string& where)
      : replacement_(optional_string(spec, "replacement", "\u2581", where)),
        prepend_(read_prepend_scheme(spec, where)),
        space_(UnicodePattern::literal(" ", where)),
        boundary_(UnicodePattern::literal(replacement_, where)),
        split_(optional_bool(spec, "split", true, where)) {}
  void split(std::vector<TextPiece>& pieces) const override {
    for (auto& piece : pieces) {
      piece.text = space_.replace_all(piece.text, replacement_);
      const bool starts_with_boundary = piece.text.compare(0, replacement_.size(), replacement_) == 0;
      if (!starts_with_boundary &&
          (prepend_ == PrependScheme::Always || (prepend_ == PrependScheme::First && piece.at_text_start)))
        piece.text.insert(0, replacement_);
    }
    if (split_) split_pieces(pieces, boundary_, SplitBehaviour::MergedWithNext);
  }

 private:
  std::string replacement_;
  PrependScheme prepend_;
  UnicodePattern space_, boundary_;
  bool split_;
};

class WhitespaceSplitPreTokenizer : public PreTokenizer {
 public:
  explicit WhitespaceSplitPreTokenizer(const std::string& where)
      : white_space_(UnicodePattern::regex(R"(\s+)", where)) {}
  void split(std::vector<TextPiece>& pieces) const override {
    split_pieces(pieces, white_space_, SplitBehaviour::Removed);
  }

 private:
  UnicodePattern white_space_;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  SequencePreTokenizer(const nlohmann::json& spec, const std::string& where) {
    const auto& steps = required_array(spec, "pretokenizers", where);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      auto step = make_pre_tokenizer(steps[i], where + ".pretokenizers[" + std::to_string(i) + "]");
      if (step) steps_.push_back(std::move(step));
    }
  }
  void split(std::vector<TextPiece>& pieces) const override {
    for (const auto& step : steps_) step->split(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& spec, const std::string& where) {
  if (spec.is_null()) return nullptr;
  const std::string type = required_string(spec, "type", where);
  if (type == "ByteLevel") return std::make_unique<ByteLevelPreTokenizer>(spec, where);
  if (type == "Split") return std::make_unique<SplitPreTokenizer>(spec, where);
  if (type == "Digits") return std::make_unique<DigitsPreTokenizer>(spec, where);
  if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(spec, where);
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPreTokenizer>(where);
  if (type == "Sequence") return std::make_unique<SequencePreTokenizer>(spec, where);
  throw ConfigError(where + ".type: the pre-tokenizer \"" + type +
                    "\" is not read by Cradle (it reads ByteLevel, Split, Digits, Metaspace, WhitespaceSplit, "
                    "Sequence)");
}

}  // namespace cradle
