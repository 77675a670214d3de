#include "core/serve/service_metrics.h"

#include <cstdio>
#include <sstream>

namespace cradle {
namespace {

// Seconds; the bounds Prometheus' client libraries use by default.
constexpr double kBounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr std::size_t kBucketCount = sizeof kBounds / sizeof kBounds[0];

std::string bound_text(double bound) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", bound);
  return text;
}

}  // namespace

void ServiceMetrics::record(const std::string& endpoint, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{endpoint, status}];
  auto& l = latency_[endpoint];
  if (l.buckets.empty()) l.buckets.assign(kBucketCount, 0);
  for (std::size_t b = 0; b < kBucketCount; ++b)
    if (seconds <= kBounds[b]) {
      ++l.buckets[b];
      break;
    }
  l.sum += seconds;
  ++l.count;
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
  return out.str();
}

}  // namespace cradle
