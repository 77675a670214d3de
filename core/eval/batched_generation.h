#pragma once
// Generation for many sequences at once (continuous batching): each step
// feeds every running sequence its next token (a newcomer its whole prompt)
// through one SequenceDecoder call (core/eval/sequence_decoder.h), then each
// chooses its token with its own options and random generator and stops on
// its own — an end id, its token limit, or its sink saying so. Sequences can
// be added between any two steps and leave as soon as they finish, so a short
// answer does not wait for a long one and a new request does not wait for
// the batch to drain. One sequence alone gives exactly what it gives in a
// batch (the decoders' rows do not mix; its seed is its own).
//
// The context window moves as in single generation (core/eval/text_generation.h):
// by half a context when a sequence outgrows it, its slot refilled from the window.
#include <ATen/core/Generator.h>

#include <cstdint>
#include <map>
#include <vector>

#include "core/eval/sequence_decoder.h"
#include "core/eval/text_generation.h"

namespace cradle {

struct GenerationJob {
  std::vector<std::int64_t> prompt;   // not empty
  SamplingOptions options;            // its token limit, sampling and seed
  std::vector<std::int64_t> end_ids;  // these end it when options.stop_at_end_of_text is set
  TokenSink sink;                     // each new token as it is chosen; false ends this sequence
};

class BatchedGenerator {
 public:
  explicit BatchedGenerator(SequenceDecoder& decoder) : decoder_(decoder) {}
  ~BatchedGenerator();
  BatchedGenerator(const BatchedGenerator&) = delete;
  BatchedGenerator& operator=(const BatchedGenerator&) = delete;

  // Joins the batch at the next step; returns the job's number. ConfigError
  // naming the option or the prompt when the job cannot run.
  std::size_t add(GenerationJob job);
  // One token for every running sequence; the numbers of those that finished in this step.
  std::vector<std::size_t> step();
  std::size_t running() const { return running_.size(); }
  // A finished job's new tokens (once).
  std::vector<std::int64_t> take(std::size_t job);

 private:
  struct Sequence {
    std::size_t job = 0;
    int slot = 0;
    GenerationJob spec;
    std::vector<std::int64_t> ids;  // prompt and generated
    std::vector<std::int64_t> generated;
    at::Generator generator;
    std::int64_t cache_start = 0;  // the slot holds ids[cache_start, cache_start + its length)
  };
  SlotFeed next_feed(Sequence& sequence);
  // Whether the sequence goes on after `token`.
  bool accept(Sequence& sequence, std::int64_t token);

  SequenceDecoder& decoder_;
  std::vector<Sequence> running_;
  std::map<std::size_t, std::vector<std::int64_t>> finished_;
  std::size_t next_job_ = 0;
};

// Every job's new tokens, in order, with at most `max_batch` sequences in a
// step (the others wait for a place). What PPO's rollouts and the rating
// panel's candidates use.
std::vector<std::vector<std::int64_t>> generate_batch(SequenceDecoder& decoder, std::vector<GenerationJob> jobs,
                                                      std::size_t max_batch = 64);

}  // namespace cradle
