#include "core/data/batch_loader.h"

#include <dlfcn.h>

#include <torch/torch.h>

namespace cradle {
namespace {

// Batch assembly is small work: a worker running LibTorch's OpenMP team of its
// own would only fight the training step for the cores. A first parallel-capable
// op makes LibTorch set this thread's OpenMP team size once; then it is set to 1.
void use_one_openmp_thread() {
  (void)torch::zeros({1}).sum();
  using SetThreads = void (*)(int);
  if (auto set_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"))) set_threads(1);
}

}  // namespace

BatchLoader::BatchLoader(std::size_t count, MakeBatch make, std::size_t prefetch, std::size_t workers)
    : count_(count), make_(std::move(make)), prefetch_(std::max<std::size_t>(1, prefetch)) {
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  has_room_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void BatchLoader::work() {
  use_one_openmp_thread();
  torch::NoGradGuard no_grad;
  for (;;) {
    std::size_t index;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      has_room_.wait(
          lock, [&] { return stopping_ || next_to_make_ >= count_ || next_to_make_ < next_to_hand_out_ + prefetch_; });
      if (stopping_ || next_to_make_ >= count_) return;
      index = next_to_make_++;
    }
    std::optional<Batch> batch;
    std::exception_ptr error;
    try {
      batch = make_(index);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error)
        failed_[index] = error;
      else
        done_[index] = std::move(*batch);
    }
    ready_.notify_all();
  }
}

std::optional<Batch> BatchLoader::next() {
  if (threads_.empty()) {
    if (next_to_hand_out_ >= count_) return std::nullopt;
    return make_(next_to_hand_out_++);
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (next_to_hand_out_ >= count_) return std::nullopt;
  const std::size_t index = next_to_hand_out_;
  ready_.wait(lock, [&] { return done_.count(index) || failed_.count(index); });
  if (const auto failure = failed_.find(index); failure != failed_.end()) std::rethrow_exception(failure->second);
  Batch batch = std::move(done_[index]);
  done_.erase(index);
  ++next_to_hand_out_;
  lock.unlock();
  has_room_.notify_all();
  return batch;
}

}  // namespace cradle
