#include "core/serve/prediction_batcher.h"

#include <exception>

#include "core/serve/generation_scheduler.h"

namespace cradle {
namespace {

std::size_t input_count(const PredictBody& body) { return body.inputs.size() + body.rows.size(); }

}  // namespace

struct PredictionBatcher::Batch {
  std::vector<const PredictBody*> bodies;
  std::size_t inputs = 0;
  std::vector<std::vector<BundlePrediction>> results;
  std::exception_ptr error;
  bool done = false;
};

PredictionBatcher::PredictionBatcher(Run run, std::chrono::microseconds window, std::size_t max_inputs, int max_waiting,
                                     ServiceMetrics* metrics)
    : run_(std::move(run)), window_(window), max_inputs_(max_inputs), max_waiting_(max_waiting), metrics_(metrics) {}

std::vector<BundlePrediction> PredictionBatcher::predict(const PredictBody& body) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (waiting_ >= max_waiting_)
    throw SchedulerBusy("busy: " + std::to_string(waiting_) +
                        " requests are already waiting for the model; retry later");
  ++waiting_;
  struct Leaving {
    int& waiting;
    ~Leaving() { --waiting; }
  } leaving{waiting_};
  const std::size_t size = input_count(body);
  if (!collecting_ || collecting_->inputs + size > max_inputs_) {  // a new batch, led by this request
    auto batch = std::make_shared<Batch>();
    batch->bodies.push_back(&body);
    batch->inputs = size;
    collecting_ = batch;
    return lead(lock, batch);
  }
  auto batch = collecting_;
  const std::size_t index = batch->bodies.size();
  batch->bodies.push_back(&body);
  batch->inputs += size;
  if (batch->inputs >= max_inputs_) full_.notify_all();
  done_.wait(lock, [&] { return batch->done; });
  if (batch->error) std::rethrow_exception(batch->error);
  return std::move(batch->results[index]);
}

std::vector<BundlePrediction> PredictionBatcher::lead(std::unique_lock<std::mutex>& lock,
                                                      const std::shared_ptr<Batch>& batch) {
  full_.wait_for(lock, window_, [&] { return batch->inputs >= max_inputs_; });
  if (collecting_ == batch) collecting_.reset();  // closed: later requests start the next batch
  lock.unlock();
  {
    std::lock_guard<std::mutex> model(model_);
    try {
      batch->results = run_(batch->bodies);
    } catch (...) {
      batch->error = std::current_exception();
    }
  }
  if (metrics_) metrics_->record_prediction_batch(batch->inputs);
  lock.lock();
  batch->done = true;
  done_.notify_all();
  if (batch->error) std::rethrow_exception(batch->error);
  return std::move(batch->results[0]);
}

}  // namespace cradle
