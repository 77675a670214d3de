#pragma once
// Prepares the batches of one epoch on background threads, up to `prefetch`
// batches ahead of the trainer, and hands them out in order. The trainer only
// waits when the workers fall behind; that wait is what metrics.jsonl reports
// as data_wait_s. A batch depends on its index alone (augmentation is seeded
// per sample), so the result does not depend on which worker made it.
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/data/tensor_dataset.h"

namespace cradle {

class BatchLoader {
 public:
  using MakeBatch = std::function<Batch(std::size_t index)>;

  // Starts `workers` threads that call make(0), make(1), ... make(count - 1).
  // With 0 workers, next() calls make() itself (no background work).
  BatchLoader(std::size_t count, MakeBatch make, std::size_t prefetch = 4, std::size_t workers = 1);
  ~BatchLoader();  // stops the workers and joins them
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // The next batch in index order, waiting for it if needed; nothing after the
  // last. An exception thrown by make() is rethrown here, at its batch.
  std::optional<Batch> next();

 private:
  void work();

  const std::size_t count_;
  const MakeBatch make_;
  const std::size_t prefetch_;
  std::mutex mutex_;
  std::condition_variable ready_;     // a batch was finished
  std::condition_variable has_room_;  // the trainer took one
  std::map<std::size_t, Batch> done_;
  std::map<std::size_t, std::exception_ptr> failed_;
  std::size_t next_to_make_ = 0;
  std::size_t next_to_hand_out_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cradle
