// Load on the HTTP service (issue 11): the bundle served in this process on a
// loopback port, N client threads each sending requests back to back, either
// on one kept-alive connection each or on a new connection per request;
// prints requests/s and the median and 99th-percentile latency per
// concurrency and connection mode.
//   build/bench/cradle-bench-serve BUNDLE INPUT [REQUESTS_PER_CLIENT]
// INPUT: an image file for image bundles, a text for text classifiers.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "bench/processor.h"
#include "core/common/file_io.h"
#include "core/common/png_encoder.h"
#include "core/export/model_bundle.h"
#include "core/serve/prediction_service.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s BUNDLE INPUT [REQUESTS_PER_CLIENT]\n", argv[0]);
    return 2;
  }
  cradle::bench::print_processor();
  try {
    const int per_client = argc > 3 ? std::atoi(argv[3]) : 200;
    cradle::ModelBundle bundle = cradle::open_bundle(argv[1]);
    const bool images = bundle.input.kind == "image";
    const std::string input = images ? cradle::base64_encode(cradle::read_file(argv[2])) : std::string(argv[2]);
    const std::string body = cradle::Json{{"inputs", {input}}}.dump();
    cradle::ServiceOptions options;
    options.port = 0;
    options.threads = 24;  // every client its connection: this measures throughput, not the per-client bound
    options.guard.max_connections_per_client = 17;
    options.max_waiting = 1024;
    cradle::PredictionService service(std::move(bundle), options);
    const int port = service.bind();
    std::thread server([&] { service.run(); });
    std::printf("%s, %s input, %d requests per client, service threads %d, %u cores\n", argv[1],
                images ? "image" : "text", per_client, options.threads, std::thread::hardware_concurrency());
    for (const bool keep_alive : {true, false})
      for (const int clients : {1, 4, 16}) {
        std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
        std::atomic<int> failures{0};
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c)
          threads.emplace_back([&, c] {
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(keep_alive);
            for (int r = 0; r < per_client; ++r) {
              const auto t = std::chrono::steady_clock::now();
              const auto result = client.Post("/v1/predict", body, "application/json");
              if (!result || result->status != 200) ++failures;
              latencies[static_cast<std::size_t>(c)].push_back(
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
            }
          });
        for (auto& t : threads) t.join();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::vector<double> all;
        for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
        std::sort(all.begin(), all.end());
        std::printf("  %2d clients, %s: %7.0f requests/s, p50 %.2f ms, p99 %.2f ms%s\n", clients,
                    keep_alive ? "kept alive" : "new connections", static_cast<double>(all.size()) / seconds,
                    all[all.size() / 2], all[std::min(all.size() - 1, all.size() * 99 / 100)],
                    failures ? (" (" + std::to_string(failures.load()) + " failed)").c_str() : "");
      }
    service.stop();
    server.join();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 0;
}
