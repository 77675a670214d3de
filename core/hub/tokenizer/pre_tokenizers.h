#pragma once
// tokenizer.json's "pre_tokenizer": how a section of text (between added
// tokens, after normalising) is cut into the words the model sees one at a
// time. Each variant is one self-contained class behind PreTokenizer; adding
// one touches make_pre_tokenizer and nothing else. Read: ByteLevel (GPT-2's
// word pattern and byte alphabet), Split (a pattern and a behaviour), Digits,
// Metaspace (sentencepiece's `▁`), WhitespaceSplit and Sequence.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cradle {

struct TextPiece {
  std::string text;
  bool at_text_start = false;  // begins the whole input (Metaspace's prepend_scheme "first")
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces every piece by the pieces it splits into.
  virtual void split(std::vector<TextPiece>& pieces) const = 0;
};

// Null for a JSON null (the text stays one word); ConfigError naming `where`
// and the type for one Cradle does not read.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& spec, const std::string& where);

}  // namespace cradle
