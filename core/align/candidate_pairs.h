#pragma once
// What the rating panel shows (issue 9): two candidate replies to each prompt,
// from one policy (two samples) or two policies (one reply each), written by a
// worker thread a few items ahead of the labeller. The side each candidate is
// shown on is drawn per item from the seed, so a labeller's habit of picking
// one side does not become a preference.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/eval/text_generation.h"
#include "core/experiment/json_object_reader.h"
#include "core/text/conversation_records.h"

namespace cradle {

struct CandidatePair {
  std::vector<ChatMessage> prompt;
  std::string first, second;     // in the order they were generated
  bool first_shown_left = true;  // drawn per item
  Json generation;               // the runs and the sampling settings that wrote them
};

// Whether item `index` shows its first candidate on the left: a seeded coin,
// the same on every machine.
bool first_shown_left(std::uint64_t seed, std::uint64_t index);

// Pairs already written (preference JSONL of any layout core/text/conversation_records.h
// reads) to be labelled again: the file's chosen reply first, sides drawn as above.
// DataError naming file:line.
std::vector<CandidatePair> load_candidate_pairs(const std::filesystem::path& file, std::uint64_t seed);

class CandidateQueue {
 public:
  // `runs`: one or two chat models: run folders (sft, ppo, dpo) or Hugging Face
  // model folders with a chat template (core/hub); loaded here, so
  // a bad folder fails before anything starts (IoError, ConfigError; so does one
  // run at temperature 0, whose two samples would always be the same). One run's
  // second sample is drawn again (up to 3 times) while it equals the first.
  // `skip` leaves out prompts already labelled (to continue where a person stopped).
  CandidateQueue(std::vector<ChatPrompt> prompts, const std::vector<std::filesystem::path>& runs,
                 SamplingOptions sampling, std::uint64_t seed, std::size_t depth = 4,
                 std::function<bool(const std::vector<ChatMessage>&)> skip = {});
  ~CandidateQueue();
  CandidateQueue(const CandidateQueue&) = delete;
  CandidateQueue& operator=(const CandidateQueue&) = delete;

  // The next pair, waiting for the worker if needed; nullopt once every prompt is done.
  std::optional<CandidatePair> next();
  // The next pair if one is ready, without waiting (a window polls this); `finished` says none will come.
  std::optional<CandidatePair> try_next(bool& finished);
  std::size_t prompts() const { return prompts_.size(); }  // after `skip`
  // What stopped the worker early (a LibTorch error, say); empty when nothing did.
  std::string error() const;

 private:
  struct Policy;
  void work();
  CandidatePair make_pair(std::size_t index);
  // Pops the front pair (nullopt when none) and releases `lock`.
  std::optional<CandidatePair> take_front(std::unique_lock<std::mutex>& lock);

  std::vector<ChatPrompt> prompts_;
  // Each prompt's place in the set as given: seeds and sides follow it, so
  // leaving labelled prompts out does not change the others' candidates.
  std::vector<std::uint64_t> positions_;
  std::vector<std::shared_ptr<Policy>> policies_;
  SamplingOptions sampling_;
  std::uint64_t seed_;
  std::size_t depth_;
  mutable std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<CandidatePair> queue_;
  bool done_ = false, stopping_ = false;
  std::string error_;
  std::thread worker_;
};

}  // namespace cradle
