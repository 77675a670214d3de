#include "core/text/text_pipeline.h"

#include <chrono>
#include <cstdio>
#include <functional>

#include "core/text/text_cleaning.h"
#include "core/text/text_dedup.h"

namespace cradle {
namespace {

std::int64_t total_chars(const std::vector<TextRecord>& records) {
  std::int64_t total = 0;
  for (const auto& record : records) total += count_code_points(record.text);
  return total;
}

std::function<std::string(const std::string&)> edit_for(const TextStep& step) {
  if (step.op == "strip_html") return [](const std::string& t) { return strip_html(t); };
  if (step.op == "normalize_unicode") {
    const UnicodeForm form = step.form == "NFC" ? UnicodeForm::NFC : UnicodeForm::NFKC;
    return [form](const std::string& t) { return normalize_unicode(t, form); };
  }
  if (step.op == "remove_control") return [](const std::string& t) { return remove_control_characters(t); };
  if (step.op == "remove_symbols") {
    SymbolClasses classes;
    for (const auto& c : step.classes) {
      if (c == "emoji") classes.emoji = true;
      if (c == "punctuation") classes.punctuation = true;
      if (c == "digits") classes.digits = true;
      if (c == "symbols") classes.symbols = true;
    }
    return [classes](const std::string& t) { return remove_symbols(t, classes); };
  }
  if (step.op == "collapse_whitespace") {
    const bool keep = step.keep_newlines;
    return [keep](const std::string& t) { return collapse_whitespace(t, keep); };
  }
  if (step.op == "lowercase") return [](const std::string& t) { return to_lower_case(t); };
  return nullptr;
}

// Removes the records flagged in `remove_reason` (empty: kept), recording examples.
void remove_records(std::vector<TextRecord>& records, const std::vector<std::string>& remove_reason,
                    TextStepReport& report, std::size_t max_examples) {
  std::vector<TextRecord> kept;
  kept.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (remove_reason[i].empty()) {
      kept.push_back(std::move(records[i]));
    } else if (report.examples.size() < max_examples) {
      report.examples.push_back({records[i].origin, records[i].text, "", remove_reason[i]});
    }
  }
  records = std::move(kept);
}

void run_step(std::vector<TextRecord>& records, const TextStep& step, TextStepReport& report,
              std::size_t max_examples) {
  if (const auto edit = edit_for(step)) {
    std::vector<TextRecord> kept;
    kept.reserve(records.size());
    for (auto& record : records) {
      std::string after = edit(record.text);
      if (after != record.text) {
        ++report.records_changed;
        if (report.examples.size() < max_examples) report.examples.push_back({record.origin, record.text, after, ""});
      }
      // A record an edit empties (a line of escape codes, say) is dropped.
      if (after.find_first_not_of(" \t\n") == std::string::npos) continue;
      record.text = std::move(after);
      kept.push_back(std::move(record));
    }
    records = std::move(kept);
    return;
  }
  std::vector<std::string> reason(records.size());
  if (step.op == "filter_length") {
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto chars = count_code_points(records[i].text);
      if (chars < step.min_chars)
        reason[i] = std::to_string(chars) + " characters, below min_chars " + std::to_string(step.min_chars);
      else if (step.max_chars > 0 && chars > step.max_chars)
        reason[i] = std::to_string(chars) + " characters, above max_chars " + std::to_string(step.max_chars);
    }
  } else {
    std::vector<std::string> texts;
    texts.reserve(records.size());
    for (const auto& record : records) texts.push_back(record.text);
    std::vector<Duplicate> duplicates;
    if (step.op == "dedup_exact") {
      duplicates = find_exact_duplicates(texts);
    } else {
      NearDuplicateOptions options;
      options.shingle_size = step.shingle_size;
      options.threshold = step.threshold;
      options.num_hashes = step.num_hashes;
      options.bands = step.bands;
      duplicates = find_near_duplicates(texts, options);
    }
    for (const auto& d : duplicates) {
      char similarity[32];
      std::snprintf(similarity, sizeof similarity, "%.2f", d.similarity);
      reason[d.index] = "duplicate of " + records[d.kept].origin +
                        (step.op == "dedup_near" ? std::string(" (similarity ") + similarity + ")" : std::string());
    }
  }
  remove_records(records, reason, report, max_examples);
}

}  // namespace

std::vector<TextStepReport> apply_text_steps(std::vector<TextRecord>& records, const std::vector<TextStep>& steps,
                                             std::size_t max_examples) {
  std::vector<TextStepReport> reports;
  for (const auto& step : steps) {
    TextStepReport report;
    report.op = step.op;
    report.records_in = static_cast<std::int64_t>(records.size());
    report.chars_in = total_chars(records);
    const auto start = std::chrono::steady_clock::now();
    run_step(records, step, report, max_examples);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report.records_out = static_cast<std::int64_t>(records.size());
    report.chars_out = total_chars(records);
    reports.push_back(std::move(report));
  }
  return reports;
}

std::string describe_text_step(const TextStep& step) {
  const Json params = text_step_to_json(step);
  std::string text = step.op;
  std::string details;
  for (const auto& item : params.items()) {
    if (item.key() == "op") continue;
    details += (details.empty() ? "" : ", ") + item.key() + " " + item.value().dump();
  }
  return details.empty() ? text : text + " (" + details + ")";
}

Json text_step_report_to_json(const TextStepReport& report) {
  Json j = Json::object();
  j["op"] = report.op;
  j["records_in"] = report.records_in;
  j["records_out"] = report.records_out;
  j["records_removed"] = report.removed();
  j["records_changed"] = report.records_changed;
  j["chars_in"] = report.chars_in;
  j["chars_out"] = report.chars_out;
  j["seconds"] = report.seconds;
  Json examples = Json::array();
  for (const auto& e : report.examples) {
    Json example = {{"origin", e.origin}, {"before", e.before}};
    if (e.reason.empty())
      example["after"] = e.after;
    else
      example["removed_because"] = e.reason;
    examples.push_back(std::move(example));
  }
  j["examples"] = std::move(examples);
  return j;
}

}  // namespace cradle
