#pragma once
// One sitting of the rating panel, without the panel (issue 9): which pair is
// shown, what was labelled, undo, and where the files go. Candidates come
// from a worker a few items ahead (core/align/candidate_pairs.h) or from a
// pairs file; each label is on disk before the next pair shows
// (core/align/preference_labels.h). The labels go to
// <labels root>/<set>/<annotator>.jsonl, so the same annotator reopening the
// same set continues where they stopped; a set's stage experiments go to
// <set>/experiments/ and its before/after sittings to <set>/before-after/.
// The studio's RatingPanel only lays this out and forwards the keys.
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/align/candidate_pairs.h"
#include "core/align/preference_labels.h"
#include "core/eval/text_generation.h"
#include "core/experiment/stage.h"

namespace cradle {

// What one sitting rates, and who rates it.
struct RatingSession {
  std::filesystem::path prompts;            // a prompt file (JSONL or one prompt per line), answered by `runs`
  std::vector<std::filesystem::path> runs;  // one chat run (two samples per prompt) or two (one reply each)
  std::filesystem::path pairs;              // or: a preference JSONL whose pairs are rated again
  std::string annotator;
  std::filesystem::path label_file;  // where the labels go; empty: <labels root>/<set>/<annotator>.jsonl
  SamplingOptions sampling = default_rating_sampling();
  std::uint64_t seed = 1;
  // A before/after comparison: runs[0] is the old policy, runs[1] the new one,
  // whose win rate the sitting reports.
  bool before_after = false;

  static SamplingOptions default_rating_sampling() {
    SamplingOptions sampling;
    sampling.max_new_tokens = 48;
    return sampling;
  }
};

// The set's name: the prompt or pairs file's name without its last extension.
std::string rating_set_name(const RatingSession& session);
// The annotator's name as a file name: letters (of any script), digits, '-',
// '_' and '.' are kept, anything else becomes '_'; never empty, never hidden.
// Letters outside ASCII are recognised by Unicode block, not by character.
std::string annotator_file_name(const std::string& annotator);

// What the annotator said about the pair as shown: left and right are the
// screen's, which the sitting maps back to the pair's first and second.
enum class ShownVerdict { Left, Right, Tie, Skip };
PairVerdict pair_verdict(ShownVerdict verdict, bool first_shown_left);
ShownVerdict shown_verdict(PairVerdict verdict, bool first_shown_left);

// What goes with a choice besides the verdict, as shown: 1-7 ratings of the
// left and right reply and a comment.
struct ChoiceNotes {
  std::optional<int> left_rating, right_rating;
  std::string comment;
};

class RatingSitting {
 public:
  // Opens (continuing) the annotator's label file and starts producing
  // candidates. ConfigError for an incomplete session (no annotator; neither
  // a prompt file with runs nor a pairs file), IoError / DataError for files.
  RatingSitting(RatingSession session, const std::filesystem::path& labels_root);
  ~RatingSitting();
  RatingSitting(const RatingSitting&) = delete;
  RatingSitting& operator=(const RatingSitting&) = delete;

  const RatingSession& session() const { return session_; }  // label_file filled in
  const std::filesystem::path& label_file() const { return session_.label_file; }
  const std::filesystem::path& set_folder() const { return set_folder_; }

  // The shown pair, fetched when there is none: Shown, Waiting while the
  // worker writes the next candidates (ask again), or Finished (every item
  // labelled, or the worker stopped: source_error() says why).
  enum class Next { Shown, Waiting, Finished };
  Next poll();
  const CandidatePair* current() const { return current_ ? &*current_ : nullptr; }
  bool current_labelled() const { return current_labelled_; }  // chosen, still shown (no auto-advance)
  const std::string& source_error() const { return source_error_; }
  bool finished() const { return !current_ && source_done_; }

  // Saves the shown pair's label (a second choice on it replaces the first)
  // and returns it; throws IoError when it could not be saved. The pair stays
  // shown until advance().
  const PreferenceLabel& choose(ShownVerdict verdict, const ChoiceNotes& notes);
  // Takes the last label back (from this sitting or an earlier one): its pair
  // is shown again, the pair that was shown unlabelled comes next. Nothing
  // when there is no label; IoError when the file could not be rewritten.
  std::optional<PreferenceLabel> undo();
  // Drops the shown pair; poll() fetches the next.
  void advance();

  const std::vector<PreferenceLabel>& labels() const { return file_->labels(); }
  int labelled() const { return labelled_at_start_ + sitting_labels_; }  // of this set's items
  int total() const { return total_; }
  int sitting_labels() const { return sitting_labels_; }
  double labels_per_hour() const;  // this sitting's pace; 0 before its first label
  // Before/after sittings: the new policy against the old.
  std::optional<HeadToHead> after_versus_before() const;

  // <set>/merged/*.jsonl: merged sets of several annotators to train on.
  std::vector<std::filesystem::path> merged_label_files() const;

  // Writes the experiment of the next stage ("reward", "dpo" or "ppo") on
  // `labels` into <set>/experiments/<stage>[-N].json and returns its path.
  // PPO needs `reward_run` and reads JSONL prompts: a text prompt set is
  // written out once beside the experiments. A sitting on a pairs file names
  // the chat run they are for with set_policy_run first.
  std::filesystem::path write_stage_experiment(Stage stage, const std::filesystem::path& labels,
                                               const std::filesystem::path& reward_run) const;
  bool has_policy_run() const { return !session_.runs.empty(); }
  void set_policy_run(const std::filesystem::path& run) { session_.runs.assign(1, run); }

  // The blind before/after sitting of a dpo or ppo run against the run it
  // started from, on prompts its tuning never saw (written to
  // <set>/before-after/<run>-held-out-prompts.jsonl); its labels go to
  // <set>/before-after/<run>/<annotator>.jsonl. ConfigError for another stage.
  RatingSession before_after_session(const std::filesystem::path& tuned_run) const;

 private:
  RatingSession session_;
  std::filesystem::path set_folder_;
  std::unique_ptr<PreferenceLabelFile> file_;
  std::unique_ptr<CandidateQueue> queue_;
  std::deque<CandidatePair> file_pairs_;  // a pairs file's items not yet labelled
  std::deque<CandidatePair> returned_;    // items an undo put back, shown before new ones
  std::optional<CandidatePair> current_;
  bool current_labelled_ = false;
  bool source_done_ = false;
  std::string source_error_;
  int labelled_at_start_ = 0, total_ = 0, sitting_labels_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace cradle
