#include "core/eval/batched_generation.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"

namespace cradle {

BatchedGenerator::~BatchedGenerator() {
  for (const auto& s : running_) decoder_.close_slot(s.slot);
}

std::size_t BatchedGenerator::add(GenerationJob job) {
  check_sampling_options(job.options);
  if (job.prompt.empty()) throw ConfigError("generation: the prompt has no tokens");
  if (decoder_.capacity() < 1) throw ConfigError("generation: the context length must be at least 1");
  Sequence s;
  s.job = next_job_++;
  s.ids = job.prompt;
  // Its own generator: the same draws for the same seed, whatever else runs, and the global stream untouched.
  s.generator = at::make_generator<at::CPUGeneratorImpl>(job.options.seed);
  s.spec = std::move(job);
  s.slot = decoder_.open_slot();
  running_.push_back(std::move(s));
  return running_.back().job;
}

SlotFeed BatchedGenerator::next_feed(Sequence& s) {
  const std::int64_t start = context_window_start(static_cast<std::int64_t>(s.ids.size()), decoder_.capacity());
  if (start != s.cache_start || decoder_.slot_length(s.slot) == 0) {  // the window moved: start again from it
    decoder_.reset_slot(s.slot);
    s.cache_start = start;
  }
  const auto first = s.ids.begin() + s.cache_start + decoder_.slot_length(s.slot);
  return {s.slot, std::vector<std::int64_t>(first, s.ids.end())};
}

bool BatchedGenerator::accept(Sequence& s, std::int64_t token) {
  s.ids.push_back(token);
  s.generated.push_back(token);
  if (s.spec.sink && !s.spec.sink(token)) return false;
  const auto& end = s.spec.end_ids;
  if (s.spec.options.stop_at_end_of_text && std::find(end.begin(), end.end(), token) != end.end()) return false;
  return static_cast<std::int64_t>(s.generated.size()) < s.spec.options.max_new_tokens;
}

std::vector<std::size_t> BatchedGenerator::step() {
  std::vector<std::size_t> done;
  if (running_.empty()) return done;
  std::vector<SlotFeed> feeds;
  feeds.reserve(running_.size());
  for (auto& s : running_) feeds.push_back(next_feed(s));
  const auto logits = decoder_.feed(feeds);
  // The draws over the threads (each sequence has its own generator), the
  // tokens then taken in order, since sinks may not be called from several threads.
  std::vector<std::int64_t> tokens(running_.size());
  at::parallel_for(0, static_cast<std::int64_t>(running_.size()), 4, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      Sequence& s = running_[static_cast<std::size_t>(i)];
      tokens[static_cast<std::size_t>(i)] =
          choose_next_token(logits[i], s.ids, s.spec.options, s.generator, s.generated);
    }
  });
  std::vector<Sequence> still;
  still.reserve(running_.size());
  for (std::size_t i = 0; i < running_.size(); ++i) {
    Sequence& s = running_[i];
    const std::int64_t token = tokens[i];
    if (accept(s, token)) {
      still.push_back(std::move(s));
      continue;
    }
    decoder_.close_slot(s.slot);
    finished_[s.job] = std::move(s.generated);
    done.push_back(s.job);
  }
  running_ = std::move(still);
  return done;
}

std::vector<std::int64_t> BatchedGenerator::take(std::size_t job) {
  const auto found = finished_.find(job);
  if (found == finished_.end()) return {};
  auto tokens = std::move(found->second);
  finished_.erase(found);
  return tokens;
}

std::vector<std::vector<std::int64_t>> generate_batch(SequenceDecoder& decoder, std::vector<GenerationJob> jobs,
                                                      std::size_t max_batch) {
  for (const auto& job : jobs) {  // every job checked before any runs
    check_sampling_options(job.options);
    if (job.prompt.empty()) throw ConfigError("generation: the prompt has no tokens");
  }
  BatchedGenerator generator(decoder);
  std::vector<std::vector<std::int64_t>> results(jobs.size());
  std::map<std::size_t, std::size_t> index_of;  // generator's job number → position in `jobs`
  std::size_t next = 0;
  while (next < jobs.size() || generator.running() > 0) {
    for (; next < jobs.size() && generator.running() < std::max<std::size_t>(1, max_batch); ++next)
      index_of[generator.add(std::move(jobs[next]))] = next;
    for (const auto job : generator.step()) results[index_of.at(job)] = generator.take(job);
  }
  return results;
}

}  // namespace cradle
