#include "core/text/text_steps.h"

#include <algorithm>

namespace cradle {

const std::vector<std::string>& text_step_ops() {
  static const std::vector<std::string> ops = {"strip_html",     "normalize_unicode",   "remove_control",
                                               "remove_symbols", "collapse_whitespace", "lowercase",
                                               "filter_length",  "dedup_exact",         "dedup_near"};
  return ops;
}

TextStep parse_text_step(JsonObjectReader r) {
  TextStep s;
  if (!r.has("op"))
    r.fail("op",
           "required: one of strip_html, normalize_unicode, remove_control, remove_symbols, "
           "collapse_whitespace, lowercase, filter_length, dedup_exact, dedup_near");
  s.op = r.choice("op", "",
                  {"strip_html", "normalize_unicode", "remove_control", "remove_symbols", "collapse_whitespace",
                   "lowercase", "filter_length", "dedup_exact", "dedup_near"});
  if (s.op == "normalize_unicode") {
    s.form = r.choice("form", s.form, {"NFKC", "NFC"});
  } else if (s.op == "remove_symbols") {
    s.classes = r.strings("classes", {});
    if (s.classes.empty()) r.fail("classes", "required: a list of \"emoji\", \"punctuation\", \"digits\", \"symbols\"");
    for (const auto& c : s.classes)
      if (c != "emoji" && c != "punctuation" && c != "digits" && c != "symbols")
        r.fail("classes", "unknown class \"" + c + "\" (use \"emoji\", \"punctuation\", \"digits\" or \"symbols\")");
  } else if (s.op == "collapse_whitespace") {
    s.keep_newlines = r.boolean("keep_newlines", s.keep_newlines);
  } else if (s.op == "filter_length") {
    s.min_chars = r.integer("min_chars", s.min_chars, Range::at_least(0));
    s.max_chars = r.integer("max_chars", s.max_chars, Range::at_least(0));
    if (s.max_chars > 0 && s.max_chars < s.min_chars)
      r.fail("max_chars", "must be 0 (no limit) or >= min_chars (" + std::to_string(s.min_chars) + "), got " +
                              std::to_string(s.max_chars));
  } else if (s.op == "dedup_near") {
    s.shingle_size = r.integer("shingle_size", s.shingle_size, Range::between(1, 64));
    s.threshold = r.number("threshold", s.threshold, {0.0, 1.0, true, false});
    s.num_hashes = r.integer("num_hashes", s.num_hashes, Range::between(8, 1024));
    s.bands = r.integer("bands", s.bands, Range::between(0, 1024));
    if (s.bands > 0 && s.num_hashes % s.bands != 0)
      r.fail("bands", "must divide num_hashes (" + std::to_string(s.num_hashes) + "), got " + std::to_string(s.bands));
  }
  r.finish();
  return s;
}

Json text_step_to_json(const TextStep& s) {
  Json j = Json::object();
  j["op"] = s.op;
  if (s.op == "normalize_unicode") {
    j["form"] = s.form;
  } else if (s.op == "remove_symbols") {
    j["classes"] = s.classes;
  } else if (s.op == "collapse_whitespace") {
    j["keep_newlines"] = s.keep_newlines;
  } else if (s.op == "filter_length") {
    j["min_chars"] = s.min_chars;
    j["max_chars"] = s.max_chars;
  } else if (s.op == "dedup_near") {
    j["shingle_size"] = s.shingle_size;
    j["threshold"] = s.threshold;
    j["num_hashes"] = s.num_hashes;
    j["bands"] = s.bands;
  }
  return j;
}

}  // namespace cradle
