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

 private:
  struct Latency {
    std::vector<long long> buckets;  // cumulative at render time; counts per bucket here
    double sum = 0;
    long long count = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::map<std::string, Latency> latency_;
};

}  // namespace cradle
