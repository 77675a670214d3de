#pragma once
#include <atomic>

namespace cradle {

// A request to stop training at the next step boundary. request() is lock-free
// and async-signal-safe, so a SIGINT handler or another thread may call it.
class StopSignal {
 public:
  void request() { flag_.store(true, std::memory_order_relaxed); }
  bool requested() const { return flag_.load(std::memory_order_relaxed); }
  void reset() { flag_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
  static_assert(std::atomic<bool>::is_always_lock_free);
};

}  // namespace cradle
