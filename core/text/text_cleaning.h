#pragma once
// Text cleaning operations on UTF-8 strings, one function per step of the
// preprocessing list. Each leaves every script it is not asked to touch as it
// was: Chinese or Japanese text passes through unchanged unless a step (NFKC,
// say, which folds full-width Latin letters) has a rule for it. Unicode data
// (normalisation, case, character classes) comes from ICU.
#include <cstdint>
#include <string>
#include <string_view>

namespace cradle {

// Tags removed (<br> becomes a line break, and paragraphs, list items and other blocks start on their own line), the
// contents of <script>, <style> and comments dropped, entities decoded
// (named ones of HTML's common set, and &#NN; / &#xNN;).
std::string strip_html(std::string_view text);

enum class UnicodeForm { NFC, NFKC };
std::string normalize_unicode(std::string_view text, UnicodeForm form);

// ANSI escape sequences (colour codes: ESC [ ... m, and the other CSI, OSC and
// two-byte forms) and control characters removed; tab and line feed kept,
// carriage returns dropped; "X\b_" style overstrike resolved to "X".
std::string remove_control_characters(std::string_view text);

struct SymbolClasses {
  bool emoji = false;        // pictographs with their modifiers, joiners and flags
  bool punctuation = false;  // Unicode P* categories, any script ("," and "，" alike)
  bool digits = false;       // decimal digits of any script
  bool symbols = false;      // math, currency and other symbols that are not emoji
};
std::string remove_symbols(std::string_view text, const SymbolClasses& classes);

// Runs of spaces and tabs become one space, lines are trimmed; with
// keep_newlines, runs of blank lines become one blank line, otherwise all
// line breaks become spaces.
std::string collapse_whitespace(std::string_view text, bool keep_newlines);

std::string to_lower_case(std::string_view text);  // full Unicode case mapping, root locale

std::int64_t count_code_points(std::string_view text);

}  // namespace cradle
