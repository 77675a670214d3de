#include "core/align/preference_labels.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "core/common/enum_names.h"
#include "core/common/error.h"
#include "core/text/jsonl_reader.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

Json message_json(const std::vector<ChatMessage>& messages) {
  Json list = Json::array();
  for (const auto& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
  return list;
}

const Json& field(const Json& record, const char* key, const std::string& where) {
  if (!record.contains(key)) throw DataError(where + ": no \"" + key + "\" field");
  return record[key];
}

std::string text_field(const Json& record, const char* key, const std::string& where) {
  const Json& value = field(record, key, where);
  if (!value.is_string())
    throw DataError(where + ": \"" + key + "\" must be a string, got " + describe_json_type(value));
  return value.get<std::string>();
}

// A reply stored as TRL's one-message list.
std::string reply_field(const Json& record, const char* key, const std::string& where) {
  const Json& value = field(record, key, where);
  if (!value.is_array() || value.size() != 1 || !value[0].is_object() || !value[0].contains("content") ||
      !value[0]["content"].is_string())
    throw DataError(where + ": \"" + key + "\" must be [{\"role\": \"assistant\", \"content\": \"...\"}]");
  return value[0]["content"].get<std::string>();
}

std::optional<int> rating_field(const Json& ratings, const char* key, const std::string& where) {
  if (!ratings.contains(key) || ratings[key].is_null()) return std::nullopt;
  if (!ratings[key].is_number_integer() || ratings[key].get<std::int64_t>() < 1 || ratings[key].get<std::int64_t>() > 7)
    throw DataError(where + ": ratings." + key + " must be a whole number from 1 to 7");
  return static_cast<int>(ratings[key].get<std::int64_t>());
}

// FNV-1a, 64 bits: stable across runs and machines, unlike std::hash.
std::string fnv1a_hex(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace

std::string to_string(PairVerdict verdict) {
  switch (verdict) {
    case PairVerdict::First: return "first";
    case PairVerdict::Second: return "second";
    case PairVerdict::Tie: return "tie";
    case PairVerdict::Skip: return "skip";
  }
  throw std::logic_error("to_string(PairVerdict): a value outside the enumeration");
}

std::optional<PairVerdict> parse_pair_verdict(const std::string& name) {
  constexpr PairVerdict kVerdicts[] = {PairVerdict::First, PairVerdict::Second, PairVerdict::Tie, PairVerdict::Skip};
  return parse_enum_name(name, kVerdicts);
}

std::string PreferenceLabel::item_id() const {
  return fnv1a_hex(Json{{"prompt", message_json(prompt)}, {"first", first}, {"second", second}}.dump());
}

Json preference_label_to_json(const PreferenceLabel& l) {
  const bool first_chosen = l.verdict != PairVerdict::Second;  // a tie or a skip keeps the generated order
  const auto reply = [](const std::string& text) { return Json::array({{{"role", "assistant"}, {"content", text}}}); };
  Json j;
  j["prompt"] = message_json(l.prompt);
  j["chosen"] = reply(first_chosen ? l.first : l.second);
  j["rejected"] = reply(first_chosen ? l.second : l.first);
  j["verdict"] = l.verdict == PairVerdict::Tie ? "tie" : l.verdict == PairVerdict::Skip ? "skip" : "chosen";
  j["item"] = l.item_id();
  j["generated_first"] = first_chosen ? "chosen" : "rejected";
  j["shown_left"] = l.first_shown_left == first_chosen ? "chosen" : "rejected";
  j["annotator"] = l.annotator;
  j["labelled_at"] = l.labelled_at;
  Json ratings = Json::object();
  if (l.first_rating) ratings[first_chosen ? "chosen" : "rejected"] = *l.first_rating;
  if (l.second_rating) ratings[first_chosen ? "rejected" : "chosen"] = *l.second_rating;
  j["ratings"] = ratings;
  j["comment"] = l.comment;
  j["generation"] = l.generation;
  return j;
}

PreferenceLabel preference_label_from_json(const Json& record, const std::string& where) {
  PreferenceLabel l;
  const Json& prompt = field(record, "prompt", where);
  if (!prompt.is_array() || prompt.empty()) throw DataError(where + ": \"prompt\" must be a list of messages");
  for (const auto& m : prompt) {
    if (!m.is_object()) throw DataError(where + ": \"prompt\" must be a list of {\"role\", \"content\"}");
    l.prompt.push_back({text_field(m, "role", where), text_field(m, "content", where)});
  }
  const std::string chosen = reply_field(record, "chosen", where), rejected = reply_field(record, "rejected", where);
  const std::string verdict = text_field(record, "verdict", where);
  if (verdict != "chosen" && verdict != "tie" && verdict != "skip")
    throw DataError(where + ": \"verdict\" must be \"chosen\", \"tie\" or \"skip\", got \"" + verdict + "\"");
  const std::string generated_first = text_field(record, "generated_first", where);
  const std::string shown_left = text_field(record, "shown_left", where);
  for (const auto* side : {&generated_first, &shown_left})
    if (*side != "chosen" && *side != "rejected")
      throw DataError(where + ": \"generated_first\" and \"shown_left\" must be \"chosen\" or \"rejected\"");
  const bool first_chosen = generated_first == "chosen";
  l.first = first_chosen ? chosen : rejected;
  l.second = first_chosen ? rejected : chosen;
  l.verdict = verdict == "tie"    ? PairVerdict::Tie
              : verdict == "skip" ? PairVerdict::Skip
              : first_chosen      ? PairVerdict::First
                                  : PairVerdict::Second;
  l.first_shown_left = (shown_left == "chosen") == first_chosen;
  if (record.contains("ratings")) {
    const Json& ratings = record["ratings"];
    if (!ratings.is_object()) throw DataError(where + ": \"ratings\" must be an object");
    const auto chosen_rating = rating_field(ratings, "chosen", where),
               rejected_rating = rating_field(ratings, "rejected", where);
    l.first_rating = first_chosen ? chosen_rating : rejected_rating;
    l.second_rating = first_chosen ? rejected_rating : chosen_rating;
  }
  if (record.contains("comment")) l.comment = text_field(record, "comment", where);
  if (record.contains("annotator")) l.annotator = text_field(record, "annotator", where);
  if (record.contains("labelled_at")) l.labelled_at = text_field(record, "labelled_at", where);
  if (record.contains("generation")) l.generation = record["generation"];
  if (record.contains("item") && text_field(record, "item", where) != l.item_id())
    throw DataError(where + ": \"item\" does not match the prompt and replies (edited by hand?)");
  return l;
}

std::vector<PreferenceLabel> read_preference_labels(const fs::path& file) {
  std::vector<PreferenceLabel> labels;
  for_each_jsonl_object(read_file(file), file.string(), [&](const Json& record, const std::string& where) {
    labels.push_back(preference_label_from_json(record, where));
  });
  return labels;
}

void write_preference_labels(const fs::path& file, const std::vector<PreferenceLabel>& labels) {
  std::string content;
  for (const auto& l : labels) content += preference_label_to_json(l).dump() + "\n";
  write_text_atomically(file, content);
}

PreferenceLabelFile::PreferenceLabelFile(fs::path path) : path_(std::move(path)) {
  if (fs::exists(path_)) {
    const std::string content = read_file(path_);
    for_each_jsonl_object(content, path_.string(), [&](const Json& record, const std::string& where) {
      labels_.push_back(preference_label_from_json(record, where));
      lines_.push_back(record.dump());
    });
  }
  out_ = std::make_unique<LineAppender>(path_);
}

bool PreferenceLabelFile::has_item(const std::string& item_id) const {
  return std::any_of(labels_.begin(), labels_.end(), [&](const PreferenceLabel& l) { return l.item_id() == item_id; });
}

void PreferenceLabelFile::append(const PreferenceLabel& label) {
  std::string line = preference_label_to_json(label).dump();
  out_->append(line);
  out_->sync();
  labels_.push_back(label);
  lines_.push_back(std::move(line));
}

std::optional<PreferenceLabel> PreferenceLabelFile::undo() {
  if (labels_.empty()) return std::nullopt;
  PreferenceLabel last = labels_.back();
  labels_.pop_back();
  lines_.pop_back();
  std::string content;
  for (const auto& line : lines_) content += line + "\n";
  out_.reset();  // the appender's descriptor would point at the replaced file
  write_text_atomically(path_, content);
  out_ = std::make_unique<LineAppender>(path_);
  return last;
}

LabelAgreement label_agreement(const std::vector<PreferenceLabel>& a, const std::vector<PreferenceLabel>& b) {
  std::map<std::string, PairVerdict> verdicts_of_a;
  for (const auto& l : a)
    if (l.verdict != PairVerdict::Skip) verdicts_of_a[l.item_id()] = l.verdict;  // a relabelled item: the newest label
  std::map<std::string, PairVerdict> verdicts_of_b;
  for (const auto& l : b)
    if (l.verdict != PairVerdict::Skip) verdicts_of_b[l.item_id()] = l.verdict;
  const PairVerdict categories[] = {PairVerdict::First, PairVerdict::Second, PairVerdict::Tie};
  std::map<PairVerdict, double> share_a, share_b;
  LabelAgreement out;
  double same = 0;
  for (const auto& [item, verdict] : verdicts_of_a) {
    const auto other = verdicts_of_b.find(item);
    if (other == verdicts_of_b.end()) continue;
    ++out.shared;
    same += verdict == other->second ? 1 : 0;
    share_a[verdict] += 1;
    share_b[other->second] += 1;
  }
  if (out.shared == 0) return out;
  const auto n = static_cast<double>(out.shared);
  out.percent = same / n;
  double chance = 0;
  for (const PairVerdict c : categories) chance += (share_a[c] / n) * (share_b[c] / n);
  // Both annotators always gave the same single verdict: agreement is total, kappa taken as 1.
  out.kappa = chance >= 1 ? 1.0 : (out.percent - chance) / (1 - chance);
  return out;
}

std::vector<PreferenceLabel> merge_labels(const std::vector<std::vector<PreferenceLabel>>& annotators,
                                          const std::string& policy) {
  if (policy != "majority" && policy != "unanimous" && policy != "first")
    throw ConfigError("merge policy \"" + policy + "\": expected majority, unanimous or first");
  std::vector<std::string> order;  // items in the order first seen
  std::map<std::string, std::vector<PreferenceLabel>> by_item;
  for (const auto& labels : annotators) {
    std::map<std::string, PreferenceLabel> newest;  // one vote per annotator and item
    for (const auto& l : labels)
      if (l.verdict != PairVerdict::Skip) newest[l.item_id()] = l;
    for (const auto& l : labels) {
      const auto found = newest.find(l.item_id());
      if (found == newest.end()) continue;
      if (!by_item.count(l.item_id())) order.push_back(l.item_id());
      by_item[l.item_id()].push_back(found->second);
      newest.erase(found);
    }
  }
  std::vector<PreferenceLabel> merged;
  for (const auto& item : order) {
    const auto& votes = by_item[item];
    if (policy == "first") {
      merged.push_back(votes.front());
      continue;
    }
    std::map<PairVerdict, int> counts;
    for (const auto& v : votes) ++counts[v.verdict];
    if (policy == "unanimous") {
      if (counts.size() == 1) merged.push_back(votes.front());
      continue;
    }
    PreferenceLabel label = votes.front();
    const int first = counts[PairVerdict::First], second = counts[PairVerdict::Second];
    label.verdict = first > second ? PairVerdict::First : second > first ? PairVerdict::Second : PairVerdict::Tie;
    merged.push_back(label);
  }
  return merged;
}

}  // namespace cradle

namespace cradle {

double HeadToHead::win_rate() const {
  const auto decided = wins + losses + ties;
  return decided == 0 ? 0.0
                      : (static_cast<double>(wins) + 0.5 * static_cast<double>(ties)) / static_cast<double>(decided);
}

HeadToHead head_to_head(const std::vector<PreferenceLabel>& labels, const std::string& run) {
  HeadToHead out;
  for (const auto& l : labels) {
    if (l.verdict == PairVerdict::Skip || !l.generation.contains("runs")) continue;
    const Json& runs = l.generation["runs"];
    if (!runs.is_array() || runs.size() != 2 || !runs[0].is_string() || !runs[1].is_string() || runs[0] == runs[1])
      continue;
    const bool first_is_run = runs[0].get<std::string>() == run;
    if (!first_is_run && runs[1].get<std::string>() != run) continue;
    if (l.verdict == PairVerdict::Tie)
      ++out.ties;
    else if ((l.verdict == PairVerdict::First) == first_is_run)
      ++out.wins;
    else
      ++out.losses;
  }
  return out;
}

}  // namespace cradle
