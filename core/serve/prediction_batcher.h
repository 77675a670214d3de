#pragma once
// Micro-batching for the service's classifiers: requests arriving within a
// short window (2 ms by default) go through the model as one batch, up to a
// bound on the inputs, so under concurrent load the model runs a few large
// batches instead of many of one. No thread of its own: the first request of
// a batch waits out the window, runs the batch (one batch at a time holds the
// model) and hands each request its predictions; the others wait for it.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/export/bundle_prediction.h"
#include "core/serve/service_metrics.h"
#include "core/serve/service_requests.h"

namespace cradle {

class PredictionBatcher {
 public:
  // Predicts every body's inputs together; returns each body's predictions, in order.
  using Run = std::function<std::vector<std::vector<BundlePrediction>>(const std::vector<const PredictBody*>& bodies)>;
  PredictionBatcher(Run run, std::chrono::microseconds window, std::size_t max_inputs, int max_waiting,
                    ServiceMetrics* metrics);

  // This body's predictions, made with those of the requests around it.
  // SchedulerBusy (core/serve/generation_scheduler.h) when `max_waiting` requests already wait.
  std::vector<BundlePrediction> predict(const PredictBody& body);

 private:
  struct Batch;
  std::vector<BundlePrediction> lead(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Batch>& batch);

  Run run_;
  std::chrono::microseconds window_;
  std::size_t max_inputs_;
  int max_waiting_;
  ServiceMetrics* metrics_;
  std::mutex mutex_, model_;
  std::condition_variable full_, done_;
  std::shared_ptr<Batch> collecting_;  // the batch new requests join, until its window closes
  int waiting_ = 0;
};

}  // namespace cradle
