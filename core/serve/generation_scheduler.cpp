#include "core/serve/generation_scheduler.h"

#include <algorithm>
#include <map>
#include <random>

#include "core/eval/batched_generation.h"

namespace cradle {

using SchedulerClock = std::chrono::steady_clock;

std::uint64_t fresh_generation_seed() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  return generator() >> 1;
}

void GenerationChannel::push(GenerationEvent event) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
  }
  ready_.notify_one();
}

bool GenerationChannel::pop(GenerationEvent& event, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!ready_.wait_for(lock, timeout, [this] { return !events_.empty(); })) return false;
  event = std::move(events_.front());
  events_.pop_front();
  return true;
}

struct GenerationScheduler::Pending {
  std::shared_ptr<GenerationChannel> channel;
  std::size_t choice = 0;
  GenerationChoice spec;
  bool stream = false;
  SchedulerClock::time_point queued = SchedulerClock::now();
};

struct GenerationScheduler::Active {
  std::size_t job = 0;
  std::shared_ptr<GenerationChannel> channel;
  std::size_t choice = 0;
  std::unique_ptr<GenerationText> text;
  SchedulerClock::time_point started;
};

GenerationScheduler::GenerationScheduler(TextGenerator generator, SchedulerOptions options, ServiceMetrics* metrics)
    : generator_(std::move(generator)), options_(options), metrics_(metrics) {
  options_.max_batch = std::max<std::size_t>(1, options_.max_batch);
  thread_ = std::thread([this] { run(); });
}

GenerationScheduler::~GenerationScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  thread_.join();
}

void GenerationScheduler::submit(std::shared_ptr<GenerationChannel> channel, std::vector<GenerationChoice> choices,
                                 bool stream) {
  for (auto& c : choices) c.options = generator_.completed(c.options);  // ConfigError before anything is queued
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() + choices.size() > options_.max_waiting)
      throw SchedulerBusy("busy: " + std::to_string(queue_.size()) +
                          " sequences are already waiting for a place in the model's batch; retry later");
    for (std::size_t i = 0; i < choices.size(); ++i) {
      auto pending = std::make_unique<Pending>();
      pending->channel = channel;
      pending->choice = i;
      pending->spec = std::move(choices[i]);
      pending->stream = stream;
      queue_.push_back(std::move(pending));
    }
  }
  work_.notify_one();
}

// Moves queued sequences into the batch while it has room.
void GenerationScheduler::admit(std::vector<Active>& active, BatchedGenerator& batch) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (!queue_.empty() && batch.running() < options_.max_batch) {
    std::unique_ptr<Pending> p = std::move(queue_.front());
    queue_.pop_front();
    if (p->channel->cancelled()) continue;  // the client left while it waited
    Active a;
    a.channel = p->channel;
    a.choice = p->choice;
    a.started = SchedulerClock::now();
    GenerationText::TextSink sink;
    if (p->stream)
      sink = [channel = p->channel, choice = p->choice](const std::string& piece) {
        GenerationEvent e;
        e.choice = choice;
        e.piece = piece;
        channel->push(std::move(e));
        return !channel->cancelled();
      };
    auto channel = p->channel;
    a.text = std::make_unique<GenerationText>(generator_.tokenizer(), p->spec.prompt, p->spec.options, std::move(sink),
                                              [channel] { return channel->cancelled(); });
    GenerationText* text = a.text.get();
    a.job = batch.add({p->spec.prompt, p->spec.options, p->spec.options.end_ids,
                       [text](std::int64_t token) { return text->add(token); }});
    if (metrics_) metrics_->record_queue_wait(std::chrono::duration<double>(a.started - p->queued).count());
    active.push_back(std::move(a));
  }
}

void GenerationScheduler::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        for (auto& p : queue_) {  // queued when the service stopped: told so
          GenerationEvent e;
          e.choice = p->choice;
          e.error = "the service is stopping";
          p->channel->push(std::move(e));
        }
        return;
      }
    }
    // A batch runs until it empties; then the thread waits for the next request.
    const auto decoder = generator_.new_decoder();
    BatchedGenerator batch(*decoder);
    std::vector<Active> active;
    try {
      for (;;) {
        admit(active, batch);
        if (active.empty()) break;
        const std::size_t size = batch.running();
        const auto finished = batch.step();
        if (metrics_) metrics_->record_generation_step(size);
        for (const auto job : finished) {
          const auto found =
              std::find_if(active.begin(), active.end(), [job](const Active& a) { return a.job == job; });
          GenerationEvent e;
          e.choice = found->choice;
          e.finished = true;
          e.generation =
              found->text->finish(std::chrono::duration<double>(SchedulerClock::now() - found->started).count());
          found->channel->push(std::move(e));
          batch.take(job);
          active.erase(found);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) break;
      }
      fail(active, "the service is stopping");
    } catch (const std::exception& error) {  // the model failed: every sequence in the batch ends with the error
      fail(active, std::string("the model failed on this request: ") + error.what());
    }
  }
}

void GenerationScheduler::fail(std::vector<Active>& active, const std::string& message) {
  for (auto& a : active) {
    GenerationEvent e;
    e.choice = a.choice;
    e.error = message;
    a.channel->push(std::move(e));
  }
  active.clear();
}

}  // namespace cradle
