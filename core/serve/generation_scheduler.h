#pragma once
// The HTTP service's language model, shared by every generation request
// through continuous batching (core/eval/batched_generation.h): one thread owns
// the model and steps a batch of up to `max_batch` sequences; a request's
// sequences join at the next step after they arrive and leave the step they
// finish, so a short answer never waits for a long one. The request's worker
// thread meanwhile waits on its GenerationChannel for the pieces of text (a
// stream) and the finished generations. More than `max_waiting` sequences
// queued for a place in the batch: submit() refuses (the service answers 503).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/eval/text_generation.h"
#include "core/serve/service_metrics.h"

namespace cradle {

// What the scheduler tells a request: a piece of one choice's text, a choice finished, or the model failed.
struct GenerationEvent {
  std::size_t choice = 0;
  std::string piece;      // streamed text (only when the request streams)
  bool finished = false;  // `generation` holds the whole choice
  Generation generation;
  std::string error;  // the model failed; the request ends
};

// One request's events, from the scheduler's thread to the request's worker.
class GenerationChannel {
 public:
  void push(GenerationEvent event);
  // The next event, waiting up to `timeout`; false when none came.
  bool pop(GenerationEvent& event, std::chrono::milliseconds timeout);
  // The client left: its sequences stop at their next token.
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<GenerationEvent> events_;
  std::atomic<bool> cancelled_{false};
};

struct GenerationChoice {
  std::vector<std::int64_t> prompt;  // token ids, not empty
  SamplingOptions options;           // its own seed
};

// A seed for a request that names none: below 2^63, so a client can send it back as a JSON integer.
std::uint64_t fresh_generation_seed();

class SchedulerBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SchedulerOptions {
  std::size_t max_batch = 32;    // sequences in one step
  std::size_t max_waiting = 64;  // sequences queued for a place before submit() refuses
};

class GenerationScheduler {
 public:
  // `metrics` (may be null) hears of queue waits, batch sizes and tokens generated.
  GenerationScheduler(TextGenerator generator, SchedulerOptions options, ServiceMetrics* metrics);
  ~GenerationScheduler();
  GenerationScheduler(const GenerationScheduler&) = delete;
  GenerationScheduler& operator=(const GenerationScheduler&) = delete;

  // Queues the request's choices; their events arrive on `channel` (pieces only when `stream`).
  // SchedulerBusy when the queue is full; ConfigError for options out of range.
  void submit(std::shared_ptr<GenerationChannel> channel, std::vector<GenerationChoice> choices, bool stream);
  const TextGenerator& generator() const { return generator_; }

 private:
  struct Pending;
  struct Active;
  void run();
  void admit(std::vector<Active>& active, class BatchedGenerator& batch);
  // Every active sequence ends with `message`.
  static void fail(std::vector<Active>& active, const std::string& message);

  TextGenerator generator_;
  SchedulerOptions options_;
  ServiceMetrics* metrics_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::unique_ptr<Pending>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cradle
