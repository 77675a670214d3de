#pragma once
// The regular expressions of tokenizer.json (Split pre-tokenizers, Replace
// normalizers), written for the Rust tokenizers' Oniguruma engine and run here
// by ICU's. The two agree on what tokenizers use (`\p{L}`, `\p{N}`,
// look-ahead, `(?i:...)`) except `\s`: Oniguruma's is Unicode's White_Space,
// ICU's `[\t\n\f\r\p{Z}]` misses U+000B and U+0085, so `\s` and `\S` are
// rewritten as `\p{White_Space}` and `\P{White_Space}` before compiling.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cradle {

// What happens to the text a pattern matches when a piece is split on it
// (tokenizers' SplitDelimiterBehavior).
enum class SplitBehaviour { Removed, Isolated, MergedWithPrevious, MergedWithNext };

class UnicodePattern {
 public:
  // ConfigError naming `where` and ICU's reason for a pattern it cannot compile.
  static UnicodePattern regex(const std::string& pattern, const std::string& where);
  static UnicodePattern literal(const std::string& text, const std::string& where);
  ~UnicodePattern();
  UnicodePattern(UnicodePattern&&) noexcept;
  UnicodePattern& operator=(UnicodePattern&&) noexcept;

  // `text` (valid UTF-8) cut at the matches as `behaviour` says; no piece is empty.
  std::vector<std::string> split(std::string_view text, SplitBehaviour behaviour) const;
  // Every match replaced by `replacement` (taken literally).
  std::string replace_all(std::string_view text, const std::string& replacement) const;

 private:
  struct Compiled;  // ICU's pattern, kept out of this header
  explicit UnicodePattern(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace cradle
