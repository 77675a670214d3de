#pragma once
// What GET /metrics reports, in Prometheus' text format: requests answered by
// endpoint and status code, and each endpoint's latency as a histogram (with
// its sum and count) — enough for rate(), error ratios and quantiles.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cradle {

class ServiceMetrics {
 public:
  void record(const std::string& endpoint, int status, double seconds);
  std::string prometheus_text() const;
  long long requests(const std::string& endpoint, int status) const;
  // Generation (core/serve/generation_scheduler.h): how long a sequence waited
  // for a place in the batch, and each step's batch size (a token for each).
  void record_queue_wait(double seconds);
  void record_generation_step(std::size_t batch_size);
  // Classification inputs answered together (core/serve/prediction_batcher.h).
  void record_prediction_batch(std::size_t inputs);
  long long generated_tokens() const;

 private:
  struct Latency {
    std::vector<long long> buckets;  // cumulative at render time; counts per bucket here
    double sum = 0;
    long long count = 0;
  };
  // Counts `seconds` in the first bucket whose bound holds it (none past the last: only +Inf then).
  static void observe(Latency& latency, const double* bounds, std::size_t count, double seconds);

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::map<std::string, Latency> latency_;
  Latency queue_wait_;
  std::vector<long long> batch_sizes_, prediction_batches_;  // counts per power-of-two bucket
  long long generated_tokens_ = 0, steps_ = 0, prediction_calls_ = 0, predicted_inputs_ = 0;
};

}  // namespace cradle
