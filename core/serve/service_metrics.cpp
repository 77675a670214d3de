#include "core/serve/service_metrics.h"

#include <cstdio>
#include <sstream>

namespace cradle {
namespace {

// Seconds; the bounds Prometheus' client libraries use by default.
constexpr double kBounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr std::size_t kBucketCount = sizeof kBounds / sizeof kBounds[0];

// Waits for a place in the batch are mostly milliseconds.
constexpr double kWaitBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr std::size_t kWaitBucketCount = sizeof kWaitBounds / sizeof kWaitBounds[0];
constexpr std::size_t kSizeBucketCount = 8;  // 1, 2, 4, ... 128

void count_size(std::vector<long long>& buckets, std::size_t size) {
  if (buckets.empty()) buckets.assign(kSizeBucketCount + 1, 0);  // the last: above 128
  std::size_t b = 0;
  while (b < kSizeBucketCount && size > (std::size_t(1) << b)) ++b;
  ++buckets[b];
}

void write_size_histogram(std::ostringstream& out, const char* name, const char* help,
                          const std::vector<long long>& buckets, long long count, long long sum) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
  long long cumulative = 0;
  for (std::size_t b = 0; b < kSizeBucketCount; ++b) {
    cumulative += buckets.empty() ? 0 : buckets[b];
    out << name << "_bucket{le=\"" << (1 << b) << "\"} " << cumulative << "\n";
  }
  out << name << "_bucket{le=\"+Inf\"} " << count << "\n"
      << name << "_sum " << sum << "\n"
      << name << "_count " << count << "\n";
}

std::string bound_text(double bound) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", bound);
  return text;
}

}  // namespace

void ServiceMetrics::observe(Latency& l, const double* bounds, std::size_t count, double seconds) {
  if (l.buckets.empty()) l.buckets.assign(count, 0);
  for (std::size_t b = 0; b < count; ++b)
    if (seconds <= bounds[b]) {
      ++l.buckets[b];
      break;
    }
  l.sum += seconds;
  ++l.count;
}

void ServiceMetrics::record(const std::string& endpoint, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{endpoint, status}];
  observe(latency_[endpoint], kBounds, kBucketCount, seconds);
}

void ServiceMetrics::record_queue_wait(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  observe(queue_wait_, kWaitBounds, kWaitBucketCount, seconds);
}

void ServiceMetrics::record_generation_step(std::size_t batch_size) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_size(batch_sizes_, batch_size);
  ++steps_;
  generated_tokens_ += static_cast<long long>(batch_size);
}

void ServiceMetrics::record_prediction_batch(std::size_t inputs) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_size(prediction_batches_, inputs);
  ++prediction_calls_;
  predicted_inputs_ += static_cast<long long>(inputs);
}

long long ServiceMetrics::generated_tokens() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return generated_tokens_;
}

long long ServiceMetrics::requests(const std::string& endpoint, int status) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = requests_.find({endpoint, status});
  return found == requests_.end() ? 0 : found->second;
}

std::string ServiceMetrics::prometheus_text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP cradle_requests_total Requests answered, by endpoint and status code.\n"
      << "# TYPE cradle_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out << "cradle_requests_total{endpoint=\"" << key.first << "\",code=\"" << key.second << "\"} " << count << "\n";
  out << "# HELP cradle_request_duration_seconds Time from a request's arrival to its answer, by endpoint.\n"
      << "# TYPE cradle_request_duration_seconds histogram\n";
  for (const auto& [endpoint, l] : latency_) {
    long long cumulative = 0;
    for (std::size_t b = 0; b < kBucketCount; ++b) {
      cumulative += l.buckets[b];
      out << "cradle_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\"" << bound_text(kBounds[b])
          << "\"} " << cumulative << "\n";
    }
    out << "cradle_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\"+Inf\"} " << l.count << "\n";
    out << "cradle_request_duration_seconds_sum{endpoint=\"" << endpoint << "\"} " << l.sum << "\n";
    out << "cradle_request_duration_seconds_count{endpoint=\"" << endpoint << "\"} " << l.count << "\n";
  }
  if (steps_ > 0) {
    out << "# HELP cradle_generated_tokens_total Tokens generated, every request together.\n"
        << "# TYPE cradle_generated_tokens_total counter\ncradle_generated_tokens_total " << generated_tokens_ << "\n";
    write_size_histogram(out, "cradle_generation_batch_size",
                         "Sequences in each step of the model (continuous batching).", batch_sizes_, steps_,
                         generated_tokens_);
    out << "# HELP cradle_generation_queue_wait_seconds Time a sequence waited for a place in the batch.\n"
        << "# TYPE cradle_generation_queue_wait_seconds histogram\n";
    long long cumulative = 0;
    for (std::size_t b = 0; b < kWaitBucketCount; ++b) {
      cumulative += queue_wait_.buckets.empty() ? 0 : queue_wait_.buckets[b];
      out << "cradle_generation_queue_wait_seconds_bucket{le=\"" << bound_text(kWaitBounds[b]) << "\"} " << cumulative
          << "\n";
    }
    out << "cradle_generation_queue_wait_seconds_bucket{le=\"+Inf\"} " << queue_wait_.count << "\n"
        << "cradle_generation_queue_wait_seconds_sum " << queue_wait_.sum << "\n"
        << "cradle_generation_queue_wait_seconds_count " << queue_wait_.count << "\n";
  }
  if (prediction_calls_ > 0)
    write_size_histogram(out, "cradle_prediction_batch_size", "Inputs the model answered together (micro-batching).",
                         prediction_batches_, prediction_calls_, predicted_inputs_);
  return out.str();
}

}  // namespace cradle
