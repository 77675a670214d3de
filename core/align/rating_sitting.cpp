#include "core/align/rating_sitting.h"

#include <algorithm>
#include <set>

#include "core/align/labelled_stages.h"
#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utc_time.h"
#include "core/data/prompt_data.h"
#include "core/experiment/experiment.h"

namespace cradle {
namespace fs = std::filesystem;
namespace {

// A prompt's identity for "already labelled": its turns, role and text.
std::string rated_prompt_key(const std::vector<ChatMessage>& messages) {
  std::string key;
  for (const auto& m : messages) key += m.role + '\x1f' + m.content + '\x1e';
  return key;
}

// The code point starting at text[i] (advancing i past it), or nothing for a malformed sequence (i past its first byte).
std::optional<char32_t> next_code_point(const std::string& text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i++]);
  if (byte < 0x80) return byte;
  const int extra = byte >= 0xF8 ? -1 : byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : -1;
  if (extra < 0 || i + static_cast<std::size_t>(extra) > text.size()) return std::nullopt;
  char32_t code = byte & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    const auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    code = (code << 6) | (next & 0x3F);
    ++i;
  }
  return code;
}

// Letters of the scripts people write names in, by Unicode block (no tables
// here): Latin-1 and Latin Extended letters, Greek to Hangul Jamo and the
// Indic scripts, kana and CJK ideographs, Hangul syllables. Punctuation and
// symbol blocks (general punctuation, arrows, emoji, CJK punctuation) are not.
bool name_letter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  return (c >= 0x370 && c <= 0x1FFF && c != 0x37E && c != 0x387) || (c >= 0x3040 && c <= 0x9FFF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

// <folder>/<stem><extension>, or <stem>-2, -3, ... when taken.
fs::path unused_file(const fs::path& folder, const std::string& stem, const std::string& extension) {
  fs::path path = folder / (stem + extension);
  for (int n = 2; fs::exists(path); ++n) path = folder / (stem + "-" + std::to_string(n) + extension);
  return path;
}

void create_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) throw IoError(folder.string() + ": cannot create the folder (" + error.message() + ")");
}

}  // namespace

std::string rating_set_name(const RatingSession& session) {
  return (session.pairs.empty() ? session.prompts : session.pairs).stem().string();
}

std::string annotator_file_name(const std::string& annotator) {
  const auto first = annotator.find_first_not_of(" \t\r\n");
  const auto last = annotator.find_last_not_of(" \t\r\n");
  const std::string trimmed = first == std::string::npos ? "" : annotator.substr(first, last - first + 1);
  std::string name;
  for (std::size_t i = 0; i < trimmed.size();) {
    const std::size_t start = i;
    const auto c = next_code_point(trimmed, i);
    if (c && (name_letter(*c) || *c == '-' || *c == '_' || *c == '.'))
      name += trimmed.substr(start, i - start);
    else
      name += '_';
  }
  if (name.empty() || name[0] == '.') name.insert(name.begin(), '_');
  return name;
}

PairVerdict pair_verdict(ShownVerdict verdict, bool first_shown_left) {
  switch (verdict) {
    case ShownVerdict::Left: return first_shown_left ? PairVerdict::First : PairVerdict::Second;
    case ShownVerdict::Right: return first_shown_left ? PairVerdict::Second : PairVerdict::First;
    case ShownVerdict::Tie: return PairVerdict::Tie;
    case ShownVerdict::Skip: return PairVerdict::Skip;
  }
  return PairVerdict::Skip;
}

ShownVerdict shown_verdict(PairVerdict verdict, bool first_shown_left) {
  switch (verdict) {
    case PairVerdict::First: return first_shown_left ? ShownVerdict::Left : ShownVerdict::Right;
    case PairVerdict::Second: return first_shown_left ? ShownVerdict::Right : ShownVerdict::Left;
    case PairVerdict::Tie: return ShownVerdict::Tie;
    case PairVerdict::Skip: return ShownVerdict::Skip;
  }
  return ShownVerdict::Skip;
}

RatingSitting::RatingSitting(RatingSession session, const fs::path& labels_root) : session_(std::move(session)) {
  RatingSession& s = session_;
  if (s.annotator.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ConfigError("the annotator's name is empty: each annotator has their own label file");
  if (s.pairs.empty() && (s.prompts.empty() || s.runs.empty()))
    throw ConfigError("nothing to rate: a prompt file and a chat run (or two), or a file of pairs");
  set_folder_ = s.label_file.empty() ? labels_root / rating_set_name(s) : fs::absolute(s.label_file).parent_path();
  if (s.label_file.empty()) s.label_file = set_folder_ / (annotator_file_name(s.annotator) + ".jsonl");
  create_folder(set_folder_);
  file_ = std::make_unique<PreferenceLabelFile>(s.label_file);
  int remaining = 0;
  if (!s.pairs.empty()) {
    for (auto& pair : load_candidate_pairs(s.pairs, s.seed)) {
      ++total_;
      PreferenceLabel probe;
      probe.prompt = pair.prompt;
      probe.first = pair.first;
      probe.second = pair.second;
      if (!file_->has_item(probe.item_id())) file_pairs_.push_back(std::move(pair));
    }
    remaining = static_cast<int>(file_pairs_.size());
  } else {
    auto prompts = load_prompt_file(s.prompts);
    total_ = static_cast<int>(prompts.size());
    std::set<std::string> done;
    for (const auto& label : file_->labels()) done.insert(rated_prompt_key(label.prompt));
    queue_ = std::make_unique<CandidateQueue>(
        std::move(prompts), s.runs, s.sampling, s.seed, 4,
        [&done](const std::vector<ChatMessage>& p) { return done.count(rated_prompt_key(p)) > 0; });
    remaining = static_cast<int>(queue_->prompts());
  }
  labelled_at_start_ = total_ - remaining;
  started_ = std::chrono::steady_clock::now();
}

RatingSitting::~RatingSitting() = default;

RatingSitting::Next RatingSitting::poll() {
  if (current_) return Next::Shown;
  if (!returned_.empty()) {
    current_ = std::move(returned_.front());
    returned_.pop_front();
  } else if (!file_pairs_.empty()) {
    current_ = std::move(file_pairs_.front());
    file_pairs_.pop_front();
  } else if (queue_) {
    bool finished = false;
    current_ = queue_->try_next(finished);
    if (!current_ && !finished) return Next::Waiting;
    if (!current_) source_error_ = queue_->error();
  }
  current_labelled_ = false;
  source_done_ = !current_;
  return current_ ? Next::Shown : Next::Finished;
}

const PreferenceLabel& RatingSitting::choose(ShownVerdict verdict, const ChoiceNotes& notes) {
  if (!current_) throw ConfigError("no pair is shown to label");
  const CandidatePair& pair = *current_;
  PreferenceLabel label;
  label.prompt = pair.prompt;
  label.first = pair.first;
  label.second = pair.second;
  label.first_shown_left = pair.first_shown_left;
  label.verdict = pair_verdict(verdict, pair.first_shown_left);
  label.first_rating = pair.first_shown_left ? notes.left_rating : notes.right_rating;
  label.second_rating = pair.first_shown_left ? notes.right_rating : notes.left_rating;
  label.comment = notes.comment;
  label.annotator = session_.annotator;
  label.labelled_at = utc_timestamp();
  label.generation = pair.generation;
  if (current_labelled_) {  // a second choice on the same item replaces the first
    file_->undo();
    current_labelled_ = false;
    --sitting_labels_;
  }
  file_->append(label);
  ++sitting_labels_;
  current_labelled_ = true;
  return file_->labels().back();
}

std::optional<PreferenceLabel> RatingSitting::undo() {
  if (file_->labels().empty()) return std::nullopt;
  std::optional<PreferenceLabel> label = file_->undo();
  if (sitting_labels_ > 0)
    --sitting_labels_;
  else
    --labelled_at_start_;  // a label from an earlier sitting
  if (current_ && !current_labelled_) returned_.push_front(*current_);
  CandidatePair pair;
  pair.prompt = label->prompt;
  pair.first = label->first;
  pair.second = label->second;
  pair.first_shown_left = label->first_shown_left;
  pair.generation = label->generation;
  current_ = std::move(pair);
  current_labelled_ = false;
  source_done_ = false;
  return label;
}

void RatingSitting::advance() {
  current_.reset();
  current_labelled_ = false;
}

double RatingSitting::labels_per_hour() const {
  const double hours = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() / 3600.0;
  return sitting_labels_ > 0 && hours > 0 ? static_cast<double>(sitting_labels_) / hours : 0.0;
}

std::optional<HeadToHead> RatingSitting::after_versus_before() const {
  if (!session_.before_after || session_.runs.size() != 2) return std::nullopt;
  return head_to_head(file_->labels(), session_.runs[1].string());
}

std::vector<fs::path> RatingSitting::merged_label_files() const {
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::directory_iterator it(set_folder_ / "merged", error), end; !error && it != end; it.increment(error))
    if (it->is_regular_file() && it->path().extension() == ".jsonl") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

fs::path RatingSitting::write_stage_experiment(Stage stage, const fs::path& labels, const fs::path& reward_run) const {
  if (session_.runs.empty()) throw ConfigError("name the chat run these pairs are for first");
  const fs::path folder = set_folder_ / "experiments";
  LabelledStageRequest request;
  request.stage = stage;
  request.policy_run = session_.runs[0];
  request.labels = labels;
  request.reward_run = reward_run;
  request.name = rating_set_name(session_) + "-" + to_string(stage);
  request.max_new_tokens = session_.sampling.max_new_tokens;
  create_folder(folder);
  if (stage == Stage::Ppo) {
    // PPO reads JSONL prompts: a pairs file as it is, a text prompt set written out once.
    if (!session_.pairs.empty()) {
      request.prompts = session_.pairs;
    } else if (session_.prompts.extension() == ".jsonl") {
      request.prompts = session_.prompts;
    } else {
      request.prompts = folder / "prompts.jsonl";
      write_text_atomically(request.prompts, prompts_to_jsonl(load_prompt_file(session_.prompts)));
    }
  }
  const Json experiment = labelled_stage_experiment(request);
  const fs::path path = unused_file(folder, to_string(stage), ".json");
  write_text_atomically(path, experiment.dump(2) + "\n");
  return path;
}

RatingSession RatingSitting::before_after_session(const fs::path& tuned) const {
  const fs::path tuned_run = tuned.has_filename() ? tuned : tuned.parent_path();  // "runs/dpo/" names runs/dpo
  const Experiment e = load_experiment(tuned_run / "experiment.json");
  if (!is_direct_preference(e) && !is_policy_optimisation(e))
    throw ConfigError(tuned_run.string() + ": a stage \"" + to_string(e.stage) +
                      "\" run; before/after compares a dpo or ppo run with its start");
  // <set>/before-after/<tuned run>/<annotator>.jsonl, the prompts beside that folder (not among the label files).
  const fs::path comparisons = set_folder_ / "before-after";
  const std::string run_name = tuned_run.filename().string();
  const fs::path folder = comparisons / run_name;
  create_folder(folder);
  const fs::path prompts = comparisons / (run_name + "-held-out-prompts.jsonl");
  write_text_atomically(prompts, prompts_to_jsonl(held_out_prompts(e)));
  RatingSession s = session_;
  s.prompts = prompts;
  s.pairs.clear();
  s.runs = {e.resolve(e.init_from).lexically_normal(), tuned_run};
  s.before_after = true;
  s.label_file = folder / (annotator_file_name(s.annotator) + ".jsonl");
  return s;
}

}  // namespace cradle
