#pragma once
// The preference labels people give in the studio's rating panel (issue 9):
// for a prompt and two candidate replies, which one is better (or a tie, or
// skipped), with optional 1-7 ratings and a comment. An annotator's labels live
// in one JSON Lines file in TRL's conversational preference layout, so the
// reward model, PPO and DPO stages read it as it is (ties and skips are left
// out of training):
//   {"prompt": [{"role": "user", "content": ...}], "chosen": [{"role": "assistant", "content": ...}],
//    "rejected": [...], "verdict": "chosen"|"tie"|"skip", "item": "9f2c...", "generated_first": "chosen"|"rejected",
//    "shown_left": "chosen"|"rejected",
//    "annotator": "ana", "labelled_at": "2026-11-29T17:40:00Z", "ratings": {"chosen": 6, "rejected": 2},
//    "comment": "...", "generation": {...}}
// Each label is on disk (fsync) before append() returns, so a crash loses
// nothing already clicked. No LibTorch.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/file_io.h"
#include "core/experiment/json_object_reader.h"
#include "core/text/conversation_records.h"

namespace cradle {

// Which candidate a person preferred, by the order they were generated in
// (the file says "chosen", "tie" or "skip" and which was generated first).
enum class PairVerdict { First, Second, Tie, Skip };
std::string to_string(PairVerdict verdict);  // "first", "second", "tie", "skip"
std::optional<PairVerdict> parse_pair_verdict(const std::string& name);

struct PreferenceLabel {
  std::vector<ChatMessage> prompt;  // ends with the user's turn
  // The two candidates as they were generated (first, second): the item's
  // identity does not depend on the side each was shown on or on the verdict.
  std::string first, second;
  bool first_shown_left = true;
  PairVerdict verdict = PairVerdict::First;
  std::optional<int> first_rating, second_rating;  // 1..7
  std::string comment;
  std::string annotator;
  std::string labelled_at;           // UTC, ISO 8601
  Json generation = Json::object();  // the runs and sampling settings that wrote the candidates

  // A stable id of (prompt, first, second), shared by every annotator's label of the item.
  std::string item_id() const;
};

// The label as a line of the annotator's file, and back (DataError naming `where`).
Json preference_label_to_json(const PreferenceLabel& label);
PreferenceLabel preference_label_from_json(const Json& record, const std::string& where);

// A label file read without opening it for writing (another annotator's, a
// merged set); DataError naming file:line. And a whole set written at once (atomically).
std::vector<PreferenceLabel> read_preference_labels(const std::filesystem::path& file);
void write_preference_labels(const std::filesystem::path& file, const std::vector<PreferenceLabel>& labels);

// One annotator's file: the labels so far, and durable appends.
class PreferenceLabelFile {
 public:
  // Reads the labels already there (none for a new file); DataError naming file:line for a bad one.
  explicit PreferenceLabelFile(std::filesystem::path path);

  const std::vector<PreferenceLabel>& labels() const { return labels_; }
  bool has_item(const std::string& item_id) const;
  const std::filesystem::path& path() const { return path_; }

  // Appends and flushes to disk before returning.
  void append(const PreferenceLabel& label);
  // Takes the last label back (the file is rewritten atomically without it); nullopt when empty.
  std::optional<PreferenceLabel> undo();

 private:
  std::filesystem::path path_;
  std::vector<PreferenceLabel> labels_;
  std::vector<std::string> lines_;  // as written, for undo
  std::unique_ptr<LineAppender> out_;
};

// How far two annotators agree on the items both labelled (skips left out):
// the share of identical verdicts and Cohen's kappa over first/second/tie.
struct LabelAgreement {
  std::int64_t shared = 0;
  double percent = 0;
  double kappa = 0;
};
LabelAgreement label_agreement(const std::vector<PreferenceLabel>& a, const std::vector<PreferenceLabel>& b);

// One label per item from several annotators' files, skips left out:
//   "majority": the most frequent verdict (an even split becomes a tie);
//   "unanimous": only items every annotator who labelled it judged alike;
//   "first": the first file's label where it has one, else the next file's.
std::vector<PreferenceLabel> merge_labels(const std::vector<std::vector<PreferenceLabel>>& annotators,
                                          const std::string& policy);

}  // namespace cradle

namespace cradle {

// A before/after comparison rated blind: labels of pairs whose two candidates
// came from two different runs (generation.runs), counted for `run`.
struct HeadToHead {
  std::int64_t wins = 0, losses = 0, ties = 0;  // skips and single-run pairs left out
  // (wins + ties / 2) / (wins + losses + ties); 0 when nothing was decided.
  double win_rate() const;
};
HeadToHead head_to_head(const std::vector<PreferenceLabel>& labels, const std::string& run);

}  // namespace cradle
