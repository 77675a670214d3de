#pragma once
// Requests to a running training loop from another thread (the studio's
// dashboard), read at step boundaries like StopSignal: pause until resumed,
// and save a checkpoint now. Lock-free, so asking never waits for the loop.
#include <atomic>

namespace cradle {

class RunControl {
 public:
  void pause() { paused_.store(true, std::memory_order_relaxed); }
  void resume() { paused_.store(false, std::memory_order_relaxed); }
  bool paused() const { return paused_.load(std::memory_order_relaxed); }

  void request_checkpoint() { checkpoint_.store(true, std::memory_order_relaxed); }
  // True once per request: the loop takes it and saves.
  bool take_checkpoint_request() { return checkpoint_.exchange(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> paused_{false};
  std::atomic<bool> checkpoint_{false};
};

}  // namespace cradle
